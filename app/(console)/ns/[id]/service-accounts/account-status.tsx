import { LocalTime } from '@/components/ui/local-time';
import { disabledReasonText } from '@/lib/schemas/lifetime-rule';

/** Lifecycle badges of an account in the list: a rotation in grace, or why the system disabled it. */
export function AccountStatus({
  disabled,
  disabledReason,
  previousValidUntil,
  now,
}: {
  disabled: boolean;
  disabledReason: string | null;
  previousValidUntil: Date | null;
  now: number;
}) {
  const reason = disabled ? disabledReasonText(disabledReason) : null;
  const rotating = !disabled && previousValidUntil && previousValidUntil.getTime() > now;
  if (!reason && !rotating) return null;
  return (
    <span className="mt-0.5 block font-sans text-[11px]" data-testid="account-status">
      {rotating ? (
        <span className="rounded bg-amber-50 px-1 py-0.5 text-amber-800">
          rotating, old token valid until <LocalTime iso={previousValidUntil.toISOString()} />
        </span>
      ) : null}
      {reason ? <span className="rounded bg-slate-200 px-1 py-0.5 text-slate-700">{reason}</span> : null}
    </span>
  );
}
