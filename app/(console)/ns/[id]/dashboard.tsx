import Link from 'next/link';
import type { HistoryEntry } from '@/lib/dal/history';
import type { NamespaceUsage } from '@/lib/dal/usage';
import { UsageChart } from '@/components/charts/usage-chart';
import { LocalTime } from '@/components/ui/local-time';

// The namespace Overview's dashboard: accounts by state, 24 hours of decisions, recent
// changes, and the first steps until the namespace (or a child) has a route.

const hourLabel = (ms: number) => `${String(new Date(ms).getUTCHours()).padStart(2, '0')}:00`;

function Tile({ label, value, href, tone = '' }: { label: string; value: number; href: string; tone?: string }) {
  return (
    <li>
      <Link
        href={href}
        className="block rounded-lg border border-slate-200 bg-white px-3 py-2 hover:border-indigo-300 hover:bg-indigo-50/40"
      >
        <span className={`block text-2xl font-semibold tabular-nums ${value ? tone : ''}`} data-count={label}>
          {value.toLocaleString('en')}
        </span>
        <span className="text-xs text-slate-600">{label}</span>
      </Link>
    </li>
  );
}

const entityName = (e: HistoryEntry) => {
  const rec = (e.after ?? e.before) as Record<string, unknown> | null;
  const name = rec && typeof rec === 'object' ? (rec.name ?? rec.userId ?? rec.host) : null;
  return typeof name === 'string' ? name : e.entityId;
};
const VERB: Record<string, string> = { create: 'created', update: 'changed', delete: 'deleted' };

function GettingStarted({ id, accounts, verifyUrl }: { id: string; accounts: number; verifyUrl: string }) {
  const steps = [
    {
      done: accounts > 0,
      title: 'Create a service account',
      body: (
        <>
          On{' '}
          <Link href={`/ns/${id}/service-accounts`} className="text-indigo-700 hover:underline">
            Service Accounts
          </Link>
          , choose Add Service Account and copy its token (shown once).
        </>
      ),
    },
    {
      done: false,
      title: 'Add a route',
      body: (
        <>
          On{' '}
          <Link href={`/ns/${id}/routes`} className="text-indigo-700 hover:underline">
            Routes
          </Link>
          , add the URL of a service with a policy that allows your account.
        </>
      ),
    },
    {
      done: false,
      title: 'Configure the proxy',
      body: (
        <>
          Point your proxy&apos;s auth call at <code className="text-xs">{verifyUrl}/forward-auth</code> (Traefik,
          Caddy), <code className="text-xs">/auth-request</code> (nginx) or <code className="text-xs">/ext-authz</code>{' '}
          (Envoy); the README has each configuration.
        </>
      ),
    },
  ];
  return (
    <section aria-labelledby="start-heading" className="rounded-lg border border-indigo-200 bg-indigo-50/50 px-4 py-3">
      <h2 id="start-heading" className="mb-2 text-sm font-semibold">
        Getting started
      </h2>
      <ol className="space-y-1.5 text-sm">
        {steps.map((s, i) => (
          <li key={s.title} className="flex gap-2">
            <span
              aria-hidden="true"
              className={`mt-0.5 flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs ${s.done ? 'bg-emerald-600 text-white' : 'bg-white text-slate-600 ring-1 ring-slate-300'}`}
            >
              {s.done ? '✓' : i + 1}
            </span>
            <span>
              <span className="font-medium">{s.title}</span>
              {s.done ? <span className="sr-only"> (done)</span> : null}. {s.body}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function Dashboard({
  id,
  usage,
  changes,
  verifyUrl,
}: {
  id: string;
  usage: NamespaceUsage;
  changes: HistoryEntry[];
  verifyUrl: string;
}) {
  const list = `/ns/${id}/service-accounts?children=1`;
  const { counts } = usage;
  return (
    <div className="mb-4 space-y-4">
      {usage.routes === 0 ? <GettingStarted id={id} accounts={usage.accounts} verifyUrl={verifyUrl} /> : null}
      <section aria-labelledby="states-heading">
        <h2 id="states-heading" className="mb-2 text-sm font-semibold">
          Service accounts here and below
        </h2>
        <ul className="grid grid-cols-2 gap-2 sm:grid-cols-5">
          <Tile label="Active" value={counts.active} href={list} />
          <Tile
            label="Expiring in 7 days"
            value={counts.expiring}
            href={`${list}&sort=expires&dir=asc`}
            tone="text-amber-700"
          />
          <Tile label="Expired" value={counts.expired} href={`${list}&sort=expires&dir=asc`} tone="text-red-700" />
          <Tile label="Disabled" value={counts.disabled} href={list} />
          <Tile label="Unused 30+ days" value={counts.unused} href={`${list}&unused=1`} tone="text-slate-900" />
        </ul>
      </section>
      <UsageChart
        title="Decisions, last 24 hours (UTC)"
        labelHeader="Hour (UTC)"
        height={180}
        points={usage.hours.map((h) => ({ label: hourLabel(h.hour), allowed: h.allowed, denied: h.denied }))}
      />
      <section aria-labelledby="changes-heading" className="rounded-lg border border-slate-200 bg-white">
        <div className="flex items-center justify-between border-b border-slate-200 px-4 py-2">
          <h2 id="changes-heading" className="text-sm font-medium">
            Recent changes
          </h2>
          <Link
            href={`/history?namespace=${encodeURIComponent(id)}`}
            className="text-xs text-indigo-700 hover:underline"
          >
            Change History →
          </Link>
        </div>
        {changes.length === 0 ? (
          <p className="px-4 py-3 text-sm text-slate-500">No changes yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {changes.map((e) => (
              <li key={e.id} className="flex flex-wrap items-baseline gap-x-1.5 px-4 py-1.5">
                <span className="text-slate-500">
                  <LocalTime iso={e.at} />
                </span>{' '}
                <span>{e.actorEmail}</span>{' '}
                <span className="text-slate-600">
                  {VERB[e.action] ?? e.action} {e.entityType.replace(/_/g, ' ')}
                </span>{' '}
                <span className="font-mono text-xs">{entityName(e)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
