import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { canManageDirectory, listDirectoryUsers } from '@/lib/dal/directory';
import { guard } from '@/components/shell/guard';
import { listScimTokens } from '@/lib/dal/scim-tokens';
import { effectiveRoles, atLeast } from '@/lib/dal/authz';
import { config } from '@/lib/config';
import { PageHeader } from '@/components/shell/page-header';
import { ACTIONS, Cell, DataTable } from '@/components/ui/table';
import { ScimTokens } from './scim-tokens';
import { DirectoryUserForm, DeleteDirectoryUser } from './directory-forms';

export const metadata: Metadata = { title: 'Directory' };

export default async function DirectoryPage() {
  const actor = await requirePageActor();
  return guard(async () => {
    const [users, canManage, roles] = await Promise.all([
      listDirectoryUsers(actor),
      canManageDirectory(actor),
      effectiveRoles(actor),
    ]);
    const isGlobalAdmin = atLeast(roles.get('global'), 'admin');
    const tokens = isGlobalAdmin ? await listScimTokens(actor) : [];
    return (
      <div className="max-w-5xl">
        <PageHeader title="Directory">
          People and identities that service accounts can impersonate; their email and groups apply in policies. Added
          by hand until directory sync is configured.
        </PageHeader>
        {canManage ? <DirectoryUserForm /> : null}
        {isGlobalAdmin ? <ScimTokens tokens={tokens} scimUrl={`${config.publicUrl}/scim/v2`} /> : null}
        <DataTable
          className="mt-4"
          columns={['ID', 'Email', 'Name', 'Groups', 'Impersonated by', ACTIONS]}
          rows={users}
          empty="No directory users yet."
          row={(u) => (
            <tr key={u.id}>
              <Cell className="font-mono text-xs">{u.id}</Cell>
              <Cell>{u.email ?? '—'}</Cell>
              <Cell>{u.name ?? '—'}</Cell>
              <Cell>
                {u.groups.join(', ') || '—'}
                {u.active ? null : <span className="ml-1 text-xs text-amber-700">(inactive)</span>}
                {u.source === 'scim' ? <span className="ml-1 rounded bg-slate-100 px-1 text-[11px]">SCIM</span> : null}
              </Cell>
              <Cell>
                {u.impersonatedBy} service account{u.impersonatedBy === 1 ? '' : 's'}
              </Cell>
              <Cell className="text-right">
                {canManage && u.source === 'manual' ? <DeleteDirectoryUser id={u.id} /> : null}
              </Cell>
            </tr>
          )}
        />
      </div>
    );
  });
}
