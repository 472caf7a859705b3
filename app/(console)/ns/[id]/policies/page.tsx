import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePageActor } from '@/lib/session';
import { listPolicies } from '@/lib/dal/policies';
import { namespaceOr404 } from '@/components/shell/guard';
import { atLeast } from '@/lib/dal/authz';
import { ButtonLink } from '@/components/ui/button';
import { PageHeader } from '@/components/shell/page-header';
import { Cell, DataTable } from '@/components/ui/table';

export const metadata: Metadata = { title: 'Policies' };

export default async function PoliciesPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor();
  const { id } = await params;
  const ns = await namespaceOr404(actor, id);
  const policies = await listPolicies(actor, id);
  return (
    <div>
      <PageHeader
        title="Policies"
        path={ns.path}
        actions={
          <>
            <ButtonLink href={`/ns/${id}/policy-check`}>Check access</ButtonLink>
            {atLeast(ns.role, 'manager') ? (
              <ButtonLink href={`/ns/${id}/policies/new`} variant="primary">
                Add Policy
              </ButtonLink>
            ) : null}
          </>
        }
      />
      <DataTable
        columns={['Name', 'Description', 'Mode', 'Used by routes']}
        rows={policies}
        empty="No policies in this namespace yet."
        row={(p) => (
          <tr key={p.id}>
            <Cell className="font-medium">
              <Link href={`/ns/${id}/policies/${p.id}`} className="text-indigo-700 hover:underline">
                {p.name}
              </Link>
              {p.unknownUsers.length ? (
                <p className="text-xs text-amber-700">
                  Names unknown user{p.unknownUsers.length === 1 ? '' : 's'}: {p.unknownUsers.join(', ')} (revoked or
                  deleted?)
                </p>
              ) : null}
            </Cell>
            <Cell className="max-w-sm truncate">{p.description}</Cell>
            <Cell>
              {p.enforced ? (
                <span className="rounded bg-amber-50 px-1.5 py-0.5 text-amber-800">Enforced</span>
              ) : (
                'Optional'
              )}
            </Cell>
            <Cell>{p.enforced ? 'All routes here and below' : p.routes.map((r) => r.name).join(', ') || '—'}</Cell>
          </tr>
        )}
      />
    </div>
  );
}
