import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { listConsoleUsers, listPendingLinks } from '@/lib/dal/console-users';
import { ssoName } from '@/lib/auth/sso';
import { guard } from '@/components/shell/guard';
import { LocalTime } from '@/components/ui/local-time';
import { PageHeader } from '@/components/shell/page-header';
import { ACTIONS, Cell, DataTable } from '@/components/ui/table';
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
        <PageHeader title="Users" className="">
          People who sign in to the console. Roles come from grants on each namespace’s Members tab, and from directory
          groups once an administrator has linked the person’s directory identity.
        </PageHeader>
        <AddUser ssoName={sso} />
        <PendingLinks pending={pending} />
        <DataTable
          columns={['Email', 'Signs in with', 'Last sign-in', 'Roles', 'Directory identity', ACTIONS]}
          rows={users}
          row={(u) => (
            <tr key={u.id} aria-label={u.email}>
              <Cell>
                {u.email}
                {u.disabled ? (
                  <span className="ml-2 rounded bg-red-50 px-1.5 text-xs text-red-700">Disabled</span>
                ) : null}
                {u.id === actor.userId ? <span className="ml-2 text-xs text-slate-500">(you)</span> : null}
              </Cell>
              <Cell>{u.signIn.length ? u.signIn.map((s) => (s === 'sso' ? (sso ?? 'SSO') : s)).join(', ') : '—'}</Cell>
              <Cell>
                <LocalTime iso={u.lastSignInAt ? u.lastSignInAt.toISOString() : null} empty="Never" />
              </Cell>
              <Cell>
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
              </Cell>
              <Cell>
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
              </Cell>
              <Cell className="text-right">
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
              </Cell>
            </tr>
          )}
        />
      </div>
    );
  });
}
