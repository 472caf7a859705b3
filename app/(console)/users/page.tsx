import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { listConsoleUsers, listPendingLinks } from '@/lib/dal/console-users';
import { ssoName } from '@/lib/auth/sso';
import { guard } from '@/components/shell/guard';
import { LocalTime } from '@/components/ui/local-time';
import { AddUser, PendingLinks, UserActions } from './user-forms';

export const metadata: Metadata = { title: 'Users' };

const ROLE = { viewer: 'Viewer', manager: 'Manager', admin: 'Admin' } as const;

export default async function UsersPage() {
  const actor = await requirePageActor();
  return guard(async () => {
    const [users, pending] = await Promise.all([listConsoleUsers(actor), listPendingLinks(actor)]);
    const sso = ssoName();
    return (
      <div className="max-w-6xl space-y-6">
        <div>
          <h1 className="mb-1 text-xl font-semibold">Users</h1>
          <p className="text-slate-600">
            People who sign in to the console. Roles come from grants on each namespace’s Members tab, and from
            directory groups once an administrator has linked the person’s directory identity.
          </p>
        </div>
        <AddUser ssoName={sso} />
        <PendingLinks pending={pending} />
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-600 uppercase">
              <tr>
                <th className="px-3 py-2">Email</th>
                <th className="px-3 py-2">Signs in with</th>
                <th className="px-3 py-2">Last sign-in</th>
                <th className="px-3 py-2">Roles</th>
                <th className="px-3 py-2">Directory identity</th>
                <th className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {users.map((u) => (
                <tr key={u.id} aria-label={u.email}>
                  <td className="px-3 py-2">
                    {u.email}
                    {u.disabled ? (
                      <span className="ml-2 rounded bg-red-50 px-1.5 text-xs text-red-700">Disabled</span>
                    ) : null}
                    {u.id === actor.userId ? <span className="ml-2 text-xs text-slate-500">(you)</span> : null}
                  </td>
                  <td className="px-3 py-2">
                    {u.signIn.length ? u.signIn.map((s) => (s === 'sso' ? (sso ?? 'SSO') : s)).join(', ') : '—'}
                  </td>
                  <td className="px-3 py-2">
                    <LocalTime iso={u.lastSignInAt ? u.lastSignInAt.toISOString() : null} empty="Never" />
                  </td>
                  <td className="px-3 py-2">
                    {u.roles.length ? (
                      <ul>
                        {u.roles.map((r, i) => (
                          <li key={i}>
                            {ROLE[r.role]} of {r.namespaceName}
                            {r.via !== 'direct' ? <span className="text-xs text-slate-500"> (via {r.via})</span> : null}
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <span className="text-slate-400">No role</span>
                    )}
                  </td>
                  <td className="px-3 py-2">
                    {u.link ? (
                      <>
                        <span className="font-mono text-xs">{u.link.directoryUserId}</span>
                        <span className="text-xs text-slate-500">
                          {' '}
                          (linked {u.link.via === 'sso' ? 'by SSO subject' : 'by an administrator'})
                        </span>
                        {u.link.pendingGroups.length ? (
                          <div className="text-xs text-amber-700">
                            Groups awaiting approval: {u.link.pendingGroups.join(', ')}
                          </div>
                        ) : null}
                      </>
                    ) : (
                      <span className="text-slate-400">Not linked</span>
                    )}
                  </td>
                  <td className="px-3 py-2 text-right">
                    <UserActions
                      user={{
                        id: u.id,
                        email: u.email,
                        disabled: u.disabled,
                        self: u.id === actor.userId,
                        canReinvite: !u.signIn.includes('password') && !u.signIn.includes('sso'),
                        linked: !!u.link,
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    );
  });
}
