import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { canManageDirectory, listDirectoryUsers } from '@/lib/dal/directory';
import { guard } from '@/components/shell/guard';
import { listScimTokens } from '@/lib/dal/scim-tokens';
import { effectiveRoles, atLeast } from '@/lib/dal/authz';
import { config } from '@/lib/config';
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
        <h1 className="mb-1 text-xl font-semibold">Directory</h1>
        <p className="mb-4 text-slate-600">
          People and identities that service accounts can impersonate; their email and groups apply in policies. Added
          by hand until directory sync is configured.
        </p>
        {canManage ? <DirectoryUserForm /> : null}
        {isGlobalAdmin ? (
          <section aria-labelledby="scim-heading" className="mt-6">
            <h2 id="scim-heading" className="mb-2 text-base font-semibold">
              SCIM provisioning
            </h2>
            <ScimTokens tokens={tokens} scimUrl={`${config.publicUrl}/scim/v2`} />
          </section>
        ) : null}
        <div className="mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-600 uppercase">
              <tr>
                <th className="px-3 py-2">ID</th>
                <th className="px-3 py-2">Email</th>
                <th className="px-3 py-2">Name</th>
                <th className="px-3 py-2">Groups</th>
                <th className="px-3 py-2">Impersonated by</th>
                <th className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {users.length === 0 ? (
                <tr>
                  <td colSpan={6} className="px-3 py-6 text-center text-slate-500">
                    No directory users yet.
                  </td>
                </tr>
              ) : (
                users.map((u) => (
                  <tr key={u.id}>
                    <td className="px-3 py-2 font-mono text-xs">{u.id}</td>
                    <td className="px-3 py-2">{u.email ?? '—'}</td>
                    <td className="px-3 py-2">{u.name ?? '—'}</td>
                    <td className="px-3 py-2">
                      {u.groups.join(', ') || '—'}
                      {u.active ? null : <span className="ml-1 text-xs text-amber-700">(inactive)</span>}
                      {u.source === 'scim' ? (
                        <span className="ml-1 rounded bg-slate-100 px-1 text-[11px]">SCIM</span>
                      ) : null}
                    </td>
                    <td className="px-3 py-2">
                      {u.impersonatedBy} service account{u.impersonatedBy === 1 ? '' : 's'}
                    </td>
                    <td className="px-3 py-2 text-right">
                      {canManage && u.source === 'manual' ? <DeleteDirectoryUser id={u.id} /> : null}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </div>
    );
  });
}
