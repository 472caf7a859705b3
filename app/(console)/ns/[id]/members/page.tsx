import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { getNamespace } from '@/lib/dal/namespaces';
import { listGrants } from '@/lib/dal/grants';
import { listServiceAccounts } from '@/lib/dal/service-accounts';
import { atLeast } from '@/lib/dal/authz';
import { ROLE_LABELS } from '@/lib/schemas/grant';
import { Breadcrumbs } from '@/components/shell/breadcrumbs';
import { NamespaceTabs } from '@/components/shell/namespace-tabs';
import { guard } from '@/components/shell/guard';
import { ACTIONS, Cell, DataTable } from '@/components/ui/table';
import { AddGrantForm, RemoveGrant } from './member-forms';

export const metadata: Metadata = { title: 'Members' };

export default async function MembersPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor();
  const { id } = await params;
  return guard(async () => {
    const [ns, grants] = await Promise.all([getNamespace(actor, id), listGrants(actor, id)]);
    const canEdit = atLeast(ns.role, 'admin');
    // A service account of this namespace or below it may be given a role here.
    const accounts = canEdit
      ? await listServiceAccounts(actor, id, { includeChildren: true, sort: 'userId', dir: 'asc' })
      : null;
    return (
      <div className="max-w-4xl">
        <Breadcrumbs path={ns.path} />
        <h1 className="mb-2 text-xl font-semibold">{ns.name}</h1>
        <NamespaceTabs id={id} current="/members" />
        <p className="mb-3 text-slate-600">
          Roles hold in this namespace and all its descendants. Viewer reads; Manager also creates and changes
          namespaces, service accounts, routes and policies; Admin also grants roles and manages keys. A service account
          given a role here calls the REST API with its own token.
        </p>
        {accounts ? (
          <AddGrantForm
            namespaceId={id}
            accounts={accounts.rows.map((a) => ({
              id: a.id,
              label: a.namespaceId === id ? a.userId : `${a.userId} (${a.namespaceName})`,
            }))}
            moreAccounts={accounts.pageCount > 1}
          />
        ) : null}
        <DataTable
          className="mt-4"
          columns={['Member', 'Role', 'Granted in', ACTIONS]}
          rows={grants}
          row={(g) => (
            <tr key={g.id} className={g.inherited ? 'text-slate-500' : ''}>
              <Cell>
                {g.subjectType === 'group' ? (
                  <span className="mr-1 rounded bg-sky-50 px-1 text-[11px] text-sky-800">group</span>
                ) : g.subjectType === 'service_account' ? (
                  <span className="mr-1 rounded bg-violet-50 px-1 text-[11px] text-violet-800">service account</span>
                ) : null}
                {g.subject}
                {g.stale ? <span className="ml-1 text-xs text-amber-700">(group no longer exists)</span> : null}
              </Cell>
              <Cell>{ROLE_LABELS[g.role]}</Cell>
              <Cell>{g.inherited ? <>inherited from {g.namespaceName}</> : 'this namespace'}</Cell>
              <Cell className="text-right">
                {canEdit && !g.inherited ? <RemoveGrant id={g.id} subject={g.subject} /> : null}
              </Cell>
            </tr>
          )}
        />
      </div>
    );
  });
}
