/**
 * The Content-Security-Policy of the API reference page, which runs a third-party viewer
 * (Scalar): scripts from this origin and the request's nonce only (Next puts it on its own
 * inline scripts), no eval, and no connection anywhere but this origin (Scalar would
 * otherwise offer its fonts, proxy and telemetry from its own servers). Styles may be
 * inline: the viewer's toasts (vue-sonner) and its editor (CodeMirror) inject <style>
 * elements without a nonce, and a style cannot run script. Scalar probes for eval (zod's
 * `Function('')` in a try) and runs without it; development needs it for React's debugging aids.
 */
export function apiDocsCsp(nonce: string, { dev = false }: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
