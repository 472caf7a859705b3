'use client';
import { useId, type ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';

/**
 * A secret shown once (a new token, an invite link): the warning that it will not be shown
 * again, a read-only field that selects itself on focus, a copy button, and "Done". The
 * secret lives only in the caller's state; "Done" is where the caller drops it.
 */
export function SecretReveal({
  label,
  secret,
  notice,
  rows,
  card = false,
  meta,
  children,
  onDone,
}: {
  /** The field's accessible name (e.g. "SCIM token"). */
  label: string;
  secret: string;
  /** What to do with it, before "It will not be shown again." */
  notice: ReactNode;
  /** A textarea of this many rows for a long secret (a JWT); a one-line input otherwise. */
  rows?: number;
  /** Framed as a card on the page (outside a dialog). */
  card?: boolean;
  /** Shown between the warning and the field. */
  meta?: ReactNode;
  /** Shown between the field and "Done". */
  children?: ReactNode;
  onDone: () => void;
}) {
  const id = useId();
  const control = {
    id,
    readOnly: true,
    value: secret,
    spellCheck: false,
    autoComplete: 'off',
    onFocus: (e: React.FocusEvent<HTMLInputElement | HTMLTextAreaElement>) => e.currentTarget.select(),
  };
  const look = 'block w-full rounded-md border border-slate-300 bg-slate-50 px-2.5 py-1.5 font-mono text-xs';
  return (
    <div className={card ? 'space-y-3 rounded-lg border border-slate-200 bg-white p-4' : 'space-y-3'}>
      <Alert tone="warning">
        {notice} <strong>It will not be shown again.</strong>
      </Alert>
      {meta}
      <div className="space-y-1">
        <label htmlFor={id} className="block text-sm font-medium text-slate-700">
          {label}
        </label>
        <div className="flex gap-2">
          {rows ? (
            <textarea {...control} rows={rows} className={`${look} resize-none break-all`} />
          ) : (
            <input {...control} className={look} />
          )}
          <CopyButton text={secret} />
        </div>
      </div>
      {children}
      <div className="flex justify-end">
        <Button variant="primary" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
