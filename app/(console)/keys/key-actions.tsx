'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { retireSigningKeyAction, rotateSigningKeyAction } from '@/lib/actions/signing-keys';
import { Button } from '@/components/ui/button';

export function RotateButton() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="flex items-center gap-2">
      {error ? <span role="alert" className="text-xs text-red-700">{error}</span> : null}
      <Button variant="primary" onClick={async () => {
        const res = await rotateSigningKeyAction({});
        if (res.ok) router.refresh(); else setError(res.message);
      }}>Rotate key</Button>
    </span>
  );
}

export function KeyActions({ kid }: { kid: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      {error ? <span role="alert" className="text-xs text-red-700">{error}</span> : null}
      <Button variant="ghost" className="text-red-700" onClick={async () => {
        if (!window.confirm('Retire this key? Tokens it signed stop working at once.')) return;
        const res = await retireSigningKeyAction({ kid });
        if (res.ok) router.refresh(); else setError(res.message);
      }}>Retire</Button>
    </span>
  );
}
