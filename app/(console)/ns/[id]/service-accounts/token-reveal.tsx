'use client';
import { SecretReveal } from '@/components/ui/secret-reveal';

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
    <SecretReveal
      label="Service account JWT"
      secret={token}
      rows={4}
      notice="Copy this token now and keep it somewhere safe."
      meta={
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
      }
      onDone={onDone}
    >
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
    </SecretReveal>
  );
}
