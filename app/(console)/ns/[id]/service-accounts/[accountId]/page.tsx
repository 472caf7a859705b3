import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePageActor } from '@/lib/session';
import { atLeast } from '@/lib/dal/authz';
import { listGrants } from '@/lib/dal/grants';
import { ROLE_LABELS } from '@/lib/schemas/grant';
import { listTrustedIssuers } from '@/lib/dal/trusted-issuers';
import { listTrustRules } from '@/lib/dal/trust-rules';
import { accountUsage } from '@/lib/dal/usage';
import { lifetimeLabel } from '@/lib/federation/presets';
import { namespaceOr404, orNotFound } from '@/components/shell/guard';
import { PageHeader } from '@/components/shell/page-header';
import { LocalTime } from '@/components/ui/local-time';
import { ACTIONS, Cell, DataTable } from '@/components/ui/table';
import { UsageChart } from '@/components/charts/usage-chart';
import { AddTrustRule, RemoveTrustRule } from './trust-rules';

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
  const [rules, issuers, grants] = await Promise.all([
    listTrustRules(actor, accountId),
    listTrustedIssuers(actor, ns.id),
    listGrants(actor, ns.id),
  ]);
  // Console roles given to the account (on its namespace or an ancestor): it may call the REST API with its token.
  const roles = grants.filter((g) => g.serviceAccountId === account.id);
  const isAdmin = atLeast(account.role, 'admin');
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
    [
      'Console role',
      roles.length ? (
        <span key="roles">
          {roles.map((g, i) => (
            <span key={g.id}>
              {i ? '; ' : ''}
              {ROLE_LABELS[g.role]} {g.inherited ? `in ${g.namespaceName}` : 'in this namespace'}
            </span>
          ))}{' '}
          (REST API with its own token) ·{' '}
          <Link href={`/ns/${ns.id}/members`} className="text-indigo-700 hover:underline">
            Members
          </Link>
        </span>
      ) : (
        <span key="roles" className="text-slate-500">
          None (a role in{' '}
          <Link href={`/ns/${ns.id}/members`} className="text-indigo-700 hover:underline">
            Members
          </Link>{' '}
          lets it call the REST API)
        </span>
      ),
    ],
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

      <section aria-labelledby="trust-rules" className="mt-8 space-y-3">
        <h2 id="trust-rules" className="text-lg font-semibold">
          Trust rules
        </h2>
        <p className="max-w-3xl text-sm text-slate-600">
          A CI job or workload whose platform token meets every condition of a rule exchanges it at{' '}
          <code>POST /api/v1/token</code> (with <code>audience={account.id}</code>) for a token of this account that
          lives at most an hour. No secret is stored in the CI system.
        </p>
        <DataTable
          columns={['Issuer', 'Conditions', 'Lifetime', 'Description', ACTIONS]}
          rows={rules}
          empty="No trust rules: no external token can become this account."
          row={(r) => (
            <tr key={r.id}>
              <Cell>
                {r.issuer.name}
                <div className="font-mono text-[11px] text-slate-500 break-all">{r.issuer.issuerUrl}</div>
              </Cell>
              <Cell>
                <ul className="space-y-0.5">
                  {r.described.map((d, i) => (
                    <li key={`${i}-${d}`}>
                      <code className="rounded bg-slate-100 px-1 text-xs">{d}</code>
                    </li>
                  ))}
                </ul>
              </Cell>
              <Cell>{lifetimeLabel(r.effectiveLifetimeSec)}</Cell>
              <Cell className="max-w-xs truncate" title={r.description}>
                {r.description}
              </Cell>
              <Cell className="text-right">
                {isAdmin ? (
                  <RemoveTrustRule id={r.id} label={`rule on ${r.issuer.name}: ${r.described.join(' and ')}`} />
                ) : null}
              </Cell>
            </tr>
          )}
        />
        {isAdmin ? (
          issuers.length ? (
            <AddTrustRule
              serviceAccountId={account.id}
              userId={account.userId}
              issuers={issuers.map((i) => ({
                id: i.id,
                name: i.name,
                kind: i.kind,
                issuerUrl: i.issuerUrl,
                maxLifetimeSec: i.maxLifetimeSec,
              }))}
            />
          ) : (
            <p className="text-sm text-slate-600">
              No issuer is trusted in this namespace yet.{' '}
              <Link href={`/ns/${ns.id}/trusted-issuers`} className="text-indigo-700 hover:underline">
                Add a trusted issuer
              </Link>{' '}
              first.
            </p>
          )
        ) : null}
      </section>
    </div>
  );
}
