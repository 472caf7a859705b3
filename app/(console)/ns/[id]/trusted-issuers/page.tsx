import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { atLeast } from '@/lib/dal/authz';
import { listTrustedIssuers } from '@/lib/dal/trusted-issuers';
import { config } from '@/lib/config';
import { ISSUER_PRESETS, lifetimeLabel } from '@/lib/federation/presets';
import { namespaceOr404 } from '@/components/shell/guard';
import { PageHeader } from '@/components/shell/page-header';
import { ACTIONS, Cell, DataTable } from '@/components/ui/table';
import { AddTrustedIssuer, RemoveTrustedIssuer } from './issuer-forms';

export const metadata: Metadata = { title: 'Trusted Issuers' };

export default async function TrustedIssuersPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor();
  const { id } = await params;
  const ns = await namespaceOr404(actor, id);
  const issuers = await listTrustedIssuers(actor, id);
  const isAdmin = atLeast(ns.role, 'admin');
  return (
    <div>
      <PageHeader
        title="Trusted Issuers"
        path={ns.path}
        actions={
          isAdmin ? (
            <AddTrustedIssuer namespaceId={ns.id} namespaceName={ns.name} suggestedAudience={config.publicUrl} />
          ) : null
        }
      >
        CI jobs and workloads whose platform vouches for them (GitHub Actions, GitLab CI, a Kubernetes cluster, any OIDC
        issuer) exchange their platform token at <code>POST /api/v1/token</code> for a service-account token of at most
        an hour: no stored secret. An issuer trusted here applies to the accounts of this namespace and its descendants;
        each account says which tokens it accepts in its trust rules.
      </PageHeader>
      <DataTable
        columns={['Name', 'Issuer URL', 'Audience', 'Longest lifetime', 'Rules', 'Trusted in', ACTIONS]}
        rows={issuers}
        empty="No trusted issuers here yet."
        row={(i) => (
          <tr key={i.id} className={i.inherited ? 'text-slate-500' : ''}>
            <Cell>
              {i.name}
              <span className="ml-1.5 rounded bg-slate-100 px-1 py-0.5 text-[11px] text-slate-700">
                {ISSUER_PRESETS[i.kind]?.label ?? i.kind}
              </span>
            </Cell>
            <Cell className="font-mono text-xs break-all">{i.issuerUrl}</Cell>
            <Cell className="font-mono text-xs break-all">{i.audience}</Cell>
            <Cell>{lifetimeLabel(i.maxLifetimeSec)}</Cell>
            <Cell>{i.ruleCount}</Cell>
            <Cell>{i.inherited ? <>inherited from {i.namespaceName}</> : 'this namespace'}</Cell>
            <Cell className="text-right">
              {isAdmin && !i.inherited ? <RemoveTrustedIssuer id={i.id} name={i.name} ruleCount={i.ruleCount} /> : null}
            </Cell>
          </tr>
        )}
      />
    </div>
  );
}
