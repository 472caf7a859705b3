import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePageActor } from '@/lib/session';
import { accountUsage } from '@/lib/dal/usage';
import { namespaceOr404, orNotFound } from '@/components/shell/guard';
import { PageHeader } from '@/components/shell/page-header';
import { LocalTime } from '@/components/ui/local-time';
import { Cell, DataTable } from '@/components/ui/table';
import { UsageChart } from '@/components/charts/usage-chart';

export const metadata: Metadata = { title: 'Service Account' };

const dayLabel = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });

export default async function ServiceAccountPage({ params }: { params: Promise<{ id: string; accountId: string }> }) {
  const actor = await requirePageActor();
  const { id, accountId } = await params;
  const ns = await namespaceOr404(actor, id);
  const usage = await orNotFound(accountUsage(actor, accountId));
  const { account } = usage;
  if (account.namespaceId !== ns.id) notFound();
  const now = Date.now();
  const state = account.disabled
    ? 'Disabled'
    : account.expiresAt && account.expiresAt.getTime() <= now
      ? 'Expired'
      : 'Active';
  const facts: [string, React.ReactNode][] = [
    ['State', state],
    ['Description', account.description || <span className="text-slate-400">—</span>],
    ['Issued', <LocalTime key="issued" iso={account.issuedAt.toISOString()} />],
    ['Expires', <LocalTime key="expires" iso={account.expiresAt?.toISOString() ?? null} empty="Never" />],
    ['Last used', <LocalTime key="used" iso={account.accessedAt?.toISOString() ?? null} empty="Never" />],
    ['Last client address', usage.last?.address ?? <span className="text-slate-400">Unknown</span>],
    ['Last route', usage.last?.route ?? <span className="text-slate-400">—</span>],
  ];
  return (
    <div className="max-w-4xl">
      <PageHeader title={account.userId} path={ns.path}>
        Service account in {ns.name}.{' '}
        <Link href={`/ns/${ns.id}/service-accounts`} className="text-indigo-700 hover:underline">
          All service accounts
        </Link>
      </PageHeader>
      <dl className="mb-4 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm">
        {facts.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-slate-500">{k}</dt>
            <dd data-fact={k}>{v}</dd>
          </div>
        ))}
      </dl>
      <section aria-labelledby="usage-heading" className="space-y-4">
        <h2 id="usage-heading" className="text-base font-semibold">
          Usage, last 30 days
        </h2>
        <UsageChart
          title="Requests per day (UTC), last 30 days"
          labelHeader="Day (UTC)"
          points={usage.days.map((d) => ({ label: dayLabel(d.day), allowed: d.allowed, denied: d.denied }))}
        />
        <div>
          <h3 className="mb-2 text-sm font-medium">Top routes</h3>
          <DataTable
            caption="Top routes, last 30 days"
            columns={['Route', 'URL', 'Allowed', 'Refused']}
            rows={usage.topRoutes}
            empty="No requests in the last 30 days."
            row={(r) => (
              <tr key={r.routeId || 'none'}>
                <Cell>{r.label}</Cell>
                <Cell className="font-mono text-xs">{r.url ?? '—'}</Cell>
                <Cell className="tabular-nums">{r.allowed.toLocaleString('en')}</Cell>
                <Cell className="tabular-nums">{r.denied.toLocaleString('en')}</Cell>
              </tr>
            )}
          />
        </div>
        <p className="text-xs text-slate-500">
          Counts are written in batches every few seconds and kept for 30 days. Refused requests count when the token
          was valid (a policy, the route&apos;s namespace, or no route refused it).
        </p>
      </section>
    </div>
  );
}
