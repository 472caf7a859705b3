'use client';
import { useRef, useState, type ReactNode } from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { Modal } from '@/components/ui/modal';
import { UNREACHABLE, type ActionAnswer } from './use-action-form';

/**
 * A button that runs one server action: an optional confirmation in the app's own modal
 * (never window.confirm), a busy state, an inline error (role="alert"), a refresh of the
 * page's data on success. A second click while the action runs does nothing.
 */
export function ActionButton<T>({
  action,
  children,
  variant = 'secondary',
  className,
  label,
  confirm,
  onSuccess,
  refresh = true,
  disabled = false,
}: {
  /** A server action that redirects on success (deleting a namespace) answers nothing. */
  action: () => Promise<ActionAnswer<T> | undefined>;
  children: ReactNode;
  variant?: 'primary' | 'secondary' | 'danger' | 'ghost';
  className?: string;
  /** aria-label for the button when its text alone is ambiguous (e.g. "Revoke ci-bot"). */
  label?: string;
  /** Ask first: the modal's title, its text, and the confirming button's words. */
  confirm?: { title: string; body: ReactNode; action: string; danger?: boolean };
  onSuccess?: (data: T) => void;
  refresh?: boolean;
  /** Not available yet (e.g. nothing to import); a running action disables it anyway. */
  disabled?: boolean;
}) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const running = useRef(false);

  const run = async () => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      const res = await action();
      if (res && !res.ok) {
        setError(res.message);
        return;
      }
      setAsking(false);
      if (!res) return; // the action redirected: the router is already on its way
      onSuccess?.(res.data);
      if (refresh) router.refresh();
    } catch {
      setError(UNREACHABLE);
    } finally {
      running.current = false;
      setBusy(false);
    }
  };

  return (
    <span className="inline-flex items-center gap-2">
      <Button
        variant={variant}
        className={className}
        aria-label={label}
        disabled={busy || disabled}
        aria-busy={busy || undefined}
        onClick={() => {
          if (!confirm) return void run();
          setError(null);
          setAsking(true);
        }}
      >
        {children}
      </Button>
      {error && !asking ? (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      ) : null}
      {confirm ? (
        <Modal
          open={asking}
          onClose={() => {
            if (!busy) setAsking(false);
          }}
          title={confirm.title}
        >
          <div className="space-y-3 text-left text-sm">
            {error ? (
              <p role="alert" className="text-red-700">
                {error}
              </p>
            ) : null}
            <div>{confirm.body}</div>
            <div className="flex justify-end gap-2">
              <Button onClick={() => setAsking(false)} disabled={busy}>
                Cancel
              </Button>
              <Button
                variant={confirm.danger === false ? 'primary' : 'danger'}
                disabled={busy}
                aria-busy={busy || undefined}
                onClick={() => void run()}
              >
                {busy ? 'Working…' : confirm.action}
              </Button>
            </div>
          </div>
        </Modal>
      ) : null}
    </span>
  );
}

/**
 * A table row's destructive action (delete, revoke, retire, remove): red, named after the row
 * for screen readers ("Revoke ci-bot"), and, with `confirm`, asked first with the verb on the button.
 */
export function DestructiveButton<T>({
  verb,
  target,
  action,
  confirm,
}: {
  verb: string;
  /** What the row is (a name, an email, a key id). */
  target: string;
  action: () => Promise<ActionAnswer<T> | undefined>;
  confirm?: { title: string; body: ReactNode };
}) {
  return (
    <ActionButton
      variant="ghost"
      className="text-red-700"
      label={`${verb} ${target}`}
      action={action}
      confirm={confirm && { ...confirm, action: verb }}
    >
      {verb}
    </ActionButton>
  );
}
