'use client';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/alert';
import { CopyButton } from '@/components/ui/copy-button';

/** Shows the JWT once. Nothing here is persisted: closing the dialog discards it. */
export function TokenReveal({
  token,
  userId,
  expiresAt,
  onDone,
}: {
  token: string;
  userId: string;
  expiresAt: string | null;
  onDone: () => void;
}) {
  const verifyUrl = `${window.location.origin}/api/v1/verify`;
  const examples = [
    `curl -H "Authorization: Bearer Pomerium-${token}" ${verifyUrl}`,
    `curl -H "X-Pomerium-Authorization: ${token}" ${verifyUrl}`,
    `curl -H "Authorization: Pomerium ${token}" ${verifyUrl}`,
  ];
  return (
    <div className="space-y-3">
      <Alert tone="warning">
        Copy this token now and keep it somewhere safe. <strong>It will not be shown again.</strong>
      </Alert>
      <p className="text-sm text-slate-600">
        <span className="font-mono">{userId}</span> ·{' '}
        {expiresAt ? (
          <>
            expires <time dateTime={expiresAt}>{new Date(expiresAt).toLocaleString()}</time>
          </>
        ) : (
          'never expires'
        )}
      </p>
      <div className="space-y-1">
        <label htmlFor="sa-jwt" className="block text-sm font-medium text-slate-700">
          Service account JWT
        </label>
        <div className="flex gap-2">
          <textarea
            id="sa-jwt"
            readOnly
            value={token}
            rows={4}
            spellCheck={false}
            autoComplete="off"
            onFocus={(e) => e.currentTarget.select()}
            className="block w-full resize-none rounded-md border border-slate-300 bg-slate-50 px-2 py-1.5 font-mono text-xs break-all"
          />
          <CopyButton text={token} />
        </div>
      </div>
      <details className="rounded-md border border-slate-200 p-2">
        <summary className="cursor-pointer text-sm font-medium">Try it: the three header forms</summary>
        <div className="mt-2 space-y-2">
          {examples.map((e) => (
            <pre key={e} className="overflow-x-auto rounded bg-slate-900 p-2 text-[11px] text-slate-100">
              {e}
            </pre>
          ))}
        </div>
      </details>
      <div className="flex justify-end">
        <Button variant="primary" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
