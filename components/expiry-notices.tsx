import Link from 'next/link';
import type { ExpiringAccount } from '@/lib/dal/expiry';

// Presentational and hook-free: renders on the server (the namespace page) or the client.

const SHOWN = 5;
const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

/** "in 45 minutes", "in 5 hours", "in 2 days". */
export function relativeTime(at: Date, now: Date): string {
  const minutes = Math.max(1, Math.round((at.getTime() - now.getTime()) / 60_000));
  if (minutes < 60) return rtf.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (hours < 24) return rtf.format(hours, 'hour');
  return rtf.format(Math.round(hours / 24), 'day');
}

const listHref = (namespaceId: string, children: boolean) =>
  `/ns/${encodeURIComponent(namespaceId)}/service-accounts?${children ? 'children=1&' : ''}sort=expires&dir=asc`;

/**
 * A notice box listing service accounts that expire soon (from `expiringSoon`); renders
 * nothing when the list is empty. `namespaceId` is the page's namespace: the "review"
 * link lists its accounts and its descendants', soonest expiry first.
 */
export function ExpiryNotices({
  namespaceId,
  accounts,
  days = 7,
  now = new Date(),
}: {
  namespaceId: string;
  accounts: ExpiringAccount[];
  days?: number;
  now?: Date;
}) {
  if (accounts.length === 0) return null;
  const n = accounts.length;
  return (
    <section
      aria-labelledby="expiry-notices-heading"
      className="mb-4 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
    >
      <h2 id="expiry-notices-heading" className="font-medium">
        {n} service account{n === 1 ? '' : 's'} expire{n === 1 ? 's' : ''} within {days} day{days === 1 ? '' : 's'}
      </h2>
      <ul className="mt-1.5 space-y-1">
        {accounts.slice(0, SHOWN).map((a) => (
          <li key={a.id} className="flex flex-wrap items-baseline gap-x-1.5">
            <span className="font-mono text-xs">{a.userId}</span>
            <span className="text-amber-800">in</span>
            <Link href={listHref(a.namespaceId, false)} className="underline-offset-2 hover:underline">
              {a.namespaceName}
            </Link>
            <span className="text-amber-800">·</span>
            <time dateTime={a.expiresAt} title={a.expiresAt} className="font-medium">
              expires {relativeTime(new Date(a.expiresAt), now)}
            </time>
          </li>
        ))}
        {n > SHOWN ? <li className="text-amber-800">and {n - SHOWN} more</li> : null}
      </ul>
      <p className="mt-2">
        <Link href={listHref(namespaceId, true)} className="font-medium text-amber-950 underline underline-offset-2">
          Review service accounts →
        </Link>
      </p>
    </section>
  );
}
