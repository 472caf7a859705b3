'use client';
import { useEffect, useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';

interface ScalarInstance {
  destroy: () => void;
}
declare global {
  interface Window {
    Scalar?: { createApiReference: (el: Element, config: Record<string, unknown>) => ScalarInstance };
  }
}

/** Loads the viewer's module once per page (it registers window.Scalar). */
function loadScalar(src: string): Promise<NonNullable<Window['Scalar']>> {
  if (window.Scalar) return Promise.resolve(window.Scalar);
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.type = 'module';
    script.src = src;
    script.onload = () => (window.Scalar ? resolve(window.Scalar) : reject(new Error('Scalar did not register')));
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.appendChild(script);
  });
}

/**
 * Scalar's API reference for our OpenAPI document. Everything it needs comes from this
 * origin: no fonts, telemetry, AI agent, MCP, request proxy or web client from Scalar's
 * servers, and nothing it is given (an API key typed into its client) is kept in the
 * browser's storage (persistAuth off; checked: none in local, session or IndexedDB storage).
 */
export function ApiReference({ entryUrl, documentUrl }: { entryUrl: string; documentUrl: string }) {
  const mount = useRef<HTMLElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let instance: ScalarInstance | null = null;
    let cancelled = false;
    loadScalar(entryUrl)
      .then((Scalar) => {
        if (cancelled || !mount.current) return;
        instance = Scalar.createApiReference(mount.current, {
          url: documentUrl,
          withDefaultFonts: false,
          telemetry: false,
          persistAuth: false,
          showDeveloperTools: 'never',
          agent: { disabled: true },
          mcp: { disabled: true },
          documentDownloadType: 'json',
          // 'Open API Client' leads to Scalar's web app; 'Test Request' (here, same origin) stays.
          hideClientButton: true,
          hideDarkModeToggle: true,
          forceDarkModeState: 'light',
        });
      })
      .catch(() => setFailed(true));
    return () => {
      cancelled = true;
      instance?.destroy();
    };
  }, [entryUrl, documentUrl]);
  return (
    <>
      {failed ? <Alert>The API reference viewer could not be loaded. Reload the page to try again.</Alert> : null}
      <section ref={mount} aria-label="API reference" className="min-h-[60vh]" />
    </>
  );
}
