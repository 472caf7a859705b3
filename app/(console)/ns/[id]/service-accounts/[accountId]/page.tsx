import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePageActor } from '@/lib/session';
import { atLeast } from '@/lib/dal/authz';
import { getServiceAccount } from '@/lib/dal/service-accounts';
import { listTrustedIssuers } from '@/lib/dal/trusted-issuers';
import { listTrustRules } from '@/lib/dal/trust-rules';
import { lifetimeLabel } from '@/lib/federation/presets';
import { namespaceOr404, orNotFound } from '@/components/shell/guard';
import { PageHeader } from '@/components/shell/page-header';
import { LocalTime } from '@/components/ui/local-time';
import { ACTIONS, Cell, DataTable } from '@/components/ui/table';
import { AddTrustRule, RemoveTrustRule } from './trust-rules';

export const metadata: Metadata = { title: 'Service Account' };

export default async function ServiceAccountPage({ params }: { params: Promise<{ accountId: string }> }) {
  const actor = await requirePageActor();
  const { accountId } = await params;
  const account = await orNotFound(getServiceAccount(actor, accountId));
  const ns = await namespaceOr404(actor, account.namespaceId);
  const [rules, issuers] = await Promise.all([listTrustRules(actor, accountId), listTrustedIssuers(actor, ns.id)]);
  const isAdmin = atLeast(account.role, 'admin');
  return (
    <div className="space-y-6">
      <PageHeader title={account.userId} path={ns.path} className="">
        {account.description || 'Service account'}
      </PageHeader>
      <dl className="grid max-w-3xl grid-cols-2 gap-x-6 gap-y-1 text-sm md:grid-cols-4">
        <dt className="text-slate-500">State</dt>
        <dd>{account.disabled ? 'Disabled' : 'Active'}</dd>
        <dt className="text-slate-500">Issued</dt>
        <dd>
          <LocalTime iso={account.issuedAt.toISOString()} />
        </dd>
        <dt className="text-slate-500">Expires</dt>
        <dd>
          <LocalTime iso={account.expiresAt?.toISOString() ?? null} empty="Never" />
        </dd>
        <dt className="text-slate-500">Last used</dt>
        <dd>
          <LocalTime iso={account.accessedAt?.toISOString() ?? null} empty="Never" />
        </dd>
        <dt className="text-slate-500">Account ID</dt>
        <dd className="col-span-3 font-mono text-xs">{account.id}</dd>
      </dl>

      <section aria-labelledby="trust-rules" className="space-y-3">
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
