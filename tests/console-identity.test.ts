// Issue 9, tried as an attacker would: directory escalation (manual user, SCIM PATCH, SSO
// subject), unverified SSO email, throttling before the password check, impersonation
// rights, Check access for viewers, user management and session versions, and the
// last-Global-Admin guard under concurrent demotions. Refusals leave the database unchanged.
import { describe, it, expect, beforeAll } from 'vitest';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { AppError } from '@/lib/dal/errors';
import { effectiveRoles } from '@/lib/dal/authz';
import { actorForSession, authenticate, findOrCreateSsoUser } from '@/lib/dal/users';
// Identity links, then user management and sessions.
import { approveLinkGroups, linkIdentity, listPendingLinks, unlinkIdentity } from '@/lib/dal/console-users';
import {
  acceptInvite,
  addConsoleUser,
  changeOwnPassword,
  forceSignOut,
  listConsoleUsers,
  setConsoleUserDisabled,
} from '@/lib/dal/console-users';
import { createDirectoryUser } from '@/lib/dal/directory';
import { addGrant, removeGrant } from '@/lib/dal/grants';
import { createScimToken } from '@/lib/dal/scim-tokens';
import { createServiceAccount } from '@/lib/dal/service-accounts';
import { createNamespace } from '@/lib/dal/namespaces';
import { checkAccess } from '@/lib/dal/policy-check';
import { admitSsoUser } from '@/lib/auth/sso';
import { hashPassword } from '@/lib/auth/password';
import { addGrantSchema } from '@/lib/schemas/grant';
import * as Users from '@/app/scim/v2/Users/route';
import * as Groups from '@/app/scim/v2/Groups/route';
import * as Group from '@/app/scim/v2/Groups/[id]/route';
import { makeAdmin, makeUserWithRole } from './support/actors';
import { GROUP, USER, patch, scimClient } from './support/scim';
import { failure } from './support/helpers';
import { accountInput, newAccount, newPolicy, newRoute } from './support/builders';

const uniq = () => Math.random().toString(36).slice(2, 8);
const PW = 'correct horse battery staple';

let admin: Actor;
let scimToken: string;

/** Everything an escalation could change: roles come from these tables. */
async function snapshot() {
  const p = await getPrisma();
  const [users, links, grants, accounts, invites] = await Promise.all([
    p.user.findMany({
      orderBy: { id: 'asc' },
      select: { id: true, email: true, passwordHash: true, disabled: true, sessionVersion: true, ssoSubject: true },
    }),
    p.identityLink.findMany({ orderBy: { userId: 'asc' } }),
    p.grant.findMany({ orderBy: { id: 'asc' } }),
    p.serviceAccount.count(),
    p.userInvite.count(),
  ]);
  return { users, links, grants, accounts, invites };
}

/** A console user as a session would see them: groups through the link only. */
async function sessionActor(userId: string): Promise<Actor> {
  const p = await getPrisma();
  const { sessionVersion } = await p.user.findUniqueOrThrow({
    where: { id: userId },
    select: { sessionVersion: true },
  });
  const a = await actorForSession(userId, sessionVersion);
  if (!a) throw new Error('no session actor');
  return a;
}
const globalRole = async (userId: string) =>
  (await effectiveRoles(await sessionActor(userId), await getPrisma())).get('global') ?? null;

const scim = scimClient(() => scimToken);
/** The IdP provisions a user (SCIM POST /Users). */
const provision = (user: { userName: string; email: string; externalId?: string }) =>
  scim(Users.POST, 'POST', '/Users', {
    body: {
      schemas: [USER],
      userName: user.userName,
      emails: [{ primary: true, value: user.email }],
      ...(user.externalId ? { externalId: user.externalId } : {}),
      active: true,
    },
  });
/** The SCIM id of the directory group of that name, if the IdP provisioned it. */
const groupNamed = async (displayName: string): Promise<string | undefined> =>
  (await scim(Groups.GET, 'GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${displayName}"`)}`)).body
    .Resources[0]?.id;
/** The IdP adds a user to a group, or removes them (SCIM PATCH /Groups/{id}). */
const membership = (groupId: string, op: 'add' | 'remove', userId: string) =>
  scim(Group.PATCH, 'PATCH', `/Groups/${groupId}`, {
    id: groupId,
    body: patch(
      op === 'add'
        ? { op: 'add', path: 'members', value: [{ value: userId }] }
        : { op: 'remove', path: `members[value eq "${userId}"]` },
    ),
  });

beforeAll(async () => {
  admin = await makeAdmin();
  ({ token: scimToken } = await createScimToken(admin, 'idp'));
  // The group an attacker wants: Admin of Global.
  await createDirectoryUser(admin, { id: `seed-${uniq()}`, email: '', name: '', groups: ['global-admins'] });
  await addGrant(
    admin,
    addGrantSchema.parse({ namespaceId: 'global', subjectType: 'group', subject: 'global-admins', role: 'admin' }),
  );
});

describe('1. directory identities are linked explicitly', () => {
  it('a Manager who makes a manual directory user with their own email in an Admin group gains nothing', async () => {
    const manager = await makeUserWithRole('global', 'manager');
    const before = await snapshot();
    await createDirectoryUser(manager, {
      id: `me-${uniq()}`,
      email: manager.email,
      name: 'Me',
      groups: ['global-admins'],
    });
    expect(await globalRole(manager.userId)).toBe('manager');
    expect((await sessionActor(manager.userId)).groups).toEqual([]);
    const after = await snapshot();
    expect(after).toEqual(before);
    // It shows as a suggestion an Admin must confirm, with what it would give.
    const pending = (await listPendingLinks(admin)).find((p) => p.userId === manager.userId);
    expect(pending).toMatchObject({ kind: 'suggested', grants: [{ group: 'global-admins', role: 'admin' }] });
    // The Manager can neither see nor confirm the link.
    expect((await failure(listPendingLinks(manager))).code).toBe('forbidden');
    expect((await failure(linkIdentity(manager, manager.userId, pending!.directoryUserId))).code).toBe('forbidden');
    expect(await snapshot()).toEqual(before);
  });

  it("an Admin's confirmation links, gives the group's role, and unlinking takes it away", async () => {
    const user = await makeUserWithRole('global', 'viewer');
    const id = `ann-${uniq()}`;
    await createDirectoryUser(admin, { id, email: user.email, name: 'Ann', groups: ['global-admins'] });
    expect(await globalRole(user.userId)).toBe('viewer');
    await linkIdentity(admin, user.userId, id);
    expect(await globalRole(user.userId)).toBe('admin');
    const row = (await listConsoleUsers(admin)).find((u) => u.id === user.userId)!;
    expect(row.link).toMatchObject({ directoryUserId: id, via: 'admin', groups: ['global-admins'], pendingGroups: [] });
    expect(row.roles).toEqual(
      expect.arrayContaining([expect.objectContaining({ role: 'admin', via: 'group global-admins' })]),
    );
    await unlinkIdentity(admin, user.userId);
    expect(await globalRole(user.userId)).toBe('viewer');
  });

  it('a SCIM PATCH adding a linked user to an Admin group changes the directory, not the console role, until an Admin approves', async () => {
    const user = await makeUserWithRole('global', 'viewer');
    const created = await provision({ userName: user.email, email: user.email, externalId: `ext-${uniq()}` });
    expect(created.status).toBe(201);
    await linkIdentity(admin, user.userId, created.body.id);
    let groupId = await groupNamed('global-admins');
    if (!groupId) {
      const g = await scim(Groups.POST, 'POST', '/Groups', {
        body: { schemas: [GROUP], displayName: 'global-admins', members: [] },
      });
      groupId = g.body.id as string;
    }
    const before = await snapshot();
    const patched = await membership(groupId, 'add', created.body.id);
    expect(patched.status).toBeLessThan(300);
    const p = await getPrisma();
    expect((await p.directoryUser.findUniqueOrThrow({ where: { id: created.body.id } })).groups).toContain(
      'global-admins',
    );
    expect(await globalRole(user.userId)).toBe('viewer');
    expect(await snapshot()).toEqual(before);
    expect((await listPendingLinks(admin)).find((x) => x.userId === user.userId)).toMatchObject({
      kind: 'groups',
      groups: ['global-admins'],
    });
    await approveLinkGroups(admin, user.userId);
    expect(await globalRole(user.userId)).toBe('admin');
    // Removed by SCIM: gone at once, and a later re-add needs approval again.
    await membership(groupId, 'remove', created.body.id);
    expect(await globalRole(user.userId)).toBe('viewer');
    await membership(groupId, 'add', created.body.id);
    expect(await globalRole(user.userId)).toBe('viewer');
  });

  it("a SCIM user provisioned with a console user's email links nothing", async () => {
    const user = await makeUserWithRole('global', 'viewer');
    const before = await snapshot();
    const r = await provision({ userName: `x-${uniq()}`, email: user.email });
    expect(r.status).toBe(201);
    expect(await snapshot()).toEqual(before);
    expect(await globalRole(user.userId)).toBe('viewer');
  });

  it('the SSO subject links to the SCIM user the IdP provisioned with that externalId, with no group approved', async () => {
    const sub = `00u${uniq()}`;
    const email = `sso-${uniq()}@example.com`;
    const r = await provision({ userName: email, email, externalId: sub });
    const groupId = await groupNamed('global-admins');
    expect(groupId, 'the global-admins group').toBeTruthy();
    await membership(groupId!, 'add', r.body.id);
    const res = await findOrCreateSsoUser(`https://idp.example|${sub}`, email, null, true);
    expect(res.ok).toBe(true);
    const userId = res.ok ? res.user.id : '';
    const link = await (await getPrisma()).identityLink.findUniqueOrThrow({ where: { userId } });
    expect(link).toMatchObject({ directoryUserId: r.body.id, via: 'sso', approvedGroups: [] });
    expect(await globalRole(userId)).toBeNull();
  });
});

describe('2. SSO needs a verified email to create a user', () => {
  it('refuses an identity without email_verified, creating nothing', async () => {
    const before = await snapshot();
    const email = `unverified-${uniq()}@example.com`;
    const to = await admitSsoUser(
      { id: 'x' } as never,
      { iss: 'https://idp.example', sub: `s-${uniq()}`, email } as never,
    );
    expect(to).toMatch(/\/signin\?error=SsoEmailUnverified$/);
    const explicit = await admitSsoUser(
      { id: 'y' } as never,
      { iss: 'https://idp.example', sub: `s-${uniq()}`, email, email_verified: false } as never,
    );
    expect(explicit).toMatch(/SsoEmailUnverified/);
    expect(await snapshot()).toEqual(before);
  });

  it('does not attach an unverified identity to an existing user with that email (with their grants)', async () => {
    const victim = await makeAdmin(`victim-${uniq()}@example.com`);
    const before = await snapshot();
    const res = await findOrCreateSsoUser(`https://idp.example|evil-${uniq()}`, victim.email, null, false);
    expect(res).toEqual({ ok: false, reason: 'email_unverified' });
    expect(await snapshot()).toEqual(before);
  });

  it('creates a user without role when the email is verified', async () => {
    const res = await admitSsoUser(
      { id: 'z' } as never,
      {
        iss: 'https://idp.example',
        sub: `s-${uniq()}`,
        email: `ok-${uniq()}@example.com`,
        email_verified: true,
      } as never,
    );
    expect(res).toBe(true);
  });
});

describe('3. sign-in throttling counts before the password check', () => {
  it('a parallel burst of wrong guesses reaches the password check at most 5 times', async () => {
    const victim = await makeAdmin(`burst-${uniq()}@example.com`);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => authenticate(victim.email, `guess-${i}`, `203.0.113.${i}`)),
    );
    let checked = results.filter((r) => !r.ok && r.reason === 'invalid').length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(
      results.filter((r) => !r.ok && (r.reason === 'throttled' || r.reason === 'busy')).length,
    ).toBeGreaterThanOrEqual(55);
    // Guesses one by one: the account's 5 free checks in all, then it waits.
    for (let i = 0; i < 10; i++) {
      const r = await authenticate(victim.email, `slow-${i}`, `198.51.100.${i}`);
      if (!r.ok && r.reason === 'invalid') checked++;
    }
    expect(checked).toBe(5);
    // Even the right password waits now.
    const p = await getPrisma();
    await p.user.update({ where: { id: victim.userId }, data: { passwordHash: await hashPassword(PW) } });
    expect(await authenticate(victim.email, PW, '198.51.100.1')).toMatchObject({ ok: false, reason: 'throttled' });
  });

  it('an address is throttled across accounts; unknown addresses share one bucket', async () => {
    const r1 = [];
    for (let i = 0; i < 21; i++) r1.push(await authenticate(`nobody-${uniq()}@example.com`, 'wrong', null));
    expect(r1.slice(0, 20).every((r) => !r.ok && r.reason === 'invalid')).toBe(true);
    expect(r1[20]).toMatchObject({ ok: false, reason: 'throttled' });
    // Another (trusted) address is unaffected.
    const user = await makeUserWithRole('global', 'viewer');
    await (await getPrisma()).user.update({
      where: { id: user.userId },
      data: { passwordHash: await hashPassword(PW) },
    });
    expect(await authenticate(user.email, PW, '192.0.2.44')).toMatchObject({ ok: true });
  });
});

describe('5. impersonation needs Admin', () => {
  it('a Manager cannot impersonate a directory user; an Admin can, and history names the user', async () => {
    const ns = await createNamespace(admin, 'global', `imp-${uniq()}`);
    const manager = await makeUserWithRole(ns.id, 'manager');
    const dirId = `boss-${uniq()}`;
    await createDirectoryUser(admin, { id: dirId, email: 'boss@corp.example', name: 'Boss', groups: ['finance'] });
    const input = accountInput(ns.id, { kind: 'impersonate', userId: undefined, directoryUserId: dirId });
    const before = await snapshot();
    expect((await failure(createServiceAccount(manager, input))).code).toBe('forbidden');
    expect(await snapshot()).toEqual(before);
    const nsAdmin = await makeUserWithRole(ns.id, 'admin');
    const { account } = await createServiceAccount(nsAdmin, input);
    const entry = await (await getPrisma()).auditEvent.findFirstOrThrow({
      where: { entityId: account.id, action: 'create' },
    });
    expect(entry.actorEmail).toBe(nsAdmin.email);
    expect(entry.after).toMatchObject({ impersonating: { id: dirId, email: 'boss@corp.example' } });
  });
});

describe('6. Check access shows viewers only what they can read', () => {
  it('hides ancestor policy text and accounts of other namespaces', async () => {
    const parent = await createNamespace(admin, 'global', `p-${uniq()}`);
    const child = await createNamespace(admin, parent.id, `c-${uniq()}`);
    const sibling = await createNamespace(admin, parent.id, `s-${uniq()}`);
    await newPolicy(admin, parent.id, 'allow:\n  or:\n    - email:\n        is: ceo@corp.example\n', {
      name: 'secret-rule',
      enforced: true,
      explanation: 'Only the vault team',
      remediation: 'Ask vault',
    });
    const route = await newRoute(admin, child.id, `https://api-${uniq()}.example`, [], { name: 'api' });
    const svc = `svc-${uniq()}`;
    await newAccount(admin, child.id, { userId: svc });
    const hidden = `hid-${uniq()}`;
    await newAccount(admin, sibling.id, { userId: hidden });
    const viewer = await makeUserWithRole(child.id, 'viewer');
    const q = { routeId: route.id, method: 'GET', path: '/', sourceIp: '' };
    const full = await checkAccess(admin, { ...q, subject: svc } as never);
    const seen = await checkAccess(viewer, { ...q, subject: svc } as never);
    expect(seen.allowed).toBe(full.allowed);
    expect(full.policies).toContain('secret-rule');
    expect(JSON.stringify(seen)).not.toMatch(/secret-rule|vault|ceo@corp/);
    const unknown = await failure(checkAccess(viewer, { ...q, subject: `nobody-${uniq()}` } as never));
    const other = await failure(checkAccess(viewer, { ...q, subject: hidden } as never));
    expect(other.code).toBe('not_found');
    expect(other.message).toBe(unknown.message);
  });
});

describe('7. user management and session versions', () => {
  it('Add User makes a one-time invite link, valid 72 hours, stored hashed', async () => {
    const email = `new-${uniq()}@example.com`;
    const { id, inviteUrl, expiresAt } = await addConsoleUser(admin, email);
    const token = inviteUrl.split('#')[1]!;
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(Math.abs(expiresAt.getTime() - Date.now() - 72 * 3600_000)).toBeLessThan(60_000);
    const p = await getPrisma();
    const stored = await p.userInvite.findFirstOrThrow({ where: { userId: id } });
    expect(JSON.stringify(stored)).not.toContain(token);
    const history = await p.auditEvent.findMany({ where: { entityId: id }, select: { before: true, after: true } });
    expect(JSON.stringify(history)).not.toContain(token);
    expect(await authenticate(email, PW, '192.0.2.10')).toMatchObject({ ok: false, reason: 'invalid' });
    await acceptInvite(token, PW);
    expect(await authenticate(email, PW, '192.0.2.10')).toMatchObject({ ok: true });
    const again = await failure(acceptInvite(token, 'another long password'));
    expect(again.message).toMatch(/not valid/);
    expect(await authenticate(email, PW, '192.0.2.10')).toMatchObject({ ok: true });
  });

  it('an expired invite does nothing; only an Admin of Global adds users', async () => {
    const { id, inviteUrl } = await addConsoleUser(admin, `late-${uniq()}@example.com`);
    const p = await getPrisma();
    await p.userInvite.updateMany({ where: { userId: id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const before = await snapshot();
    expect((await failure(acceptInvite(inviteUrl.split('#')[1]!, PW))).code).toBe('invalid');
    const nsAdmin = await makeUserWithRole((await createNamespace(admin, 'global', `a-${uniq()}`)).id, 'admin');
    const manager = await makeUserWithRole('global', 'manager');
    const after = await snapshot();
    expect((await failure(addConsoleUser(nsAdmin, `x-${uniq()}@example.com`))).code).toBe('forbidden');
    expect((await failure(addConsoleUser(manager, `x-${uniq()}@example.com`))).code).toBe('forbidden');
    expect((await failure(setConsoleUserDisabled(manager, admin.userId, true))).code).toBe('forbidden');
    expect((await failure(forceSignOut(manager, admin.userId))).code).toBe('forbidden');
    expect(await snapshot()).toEqual(after);
    expect(after.users.length).toBe(before.users.length + 2);
  });

  it('disable, force sign-out and password change end old sessions; disabled users cannot sign in', async () => {
    const user = await makeUserWithRole('global', 'viewer');
    const p = await getPrisma();
    await p.user.update({ where: { id: user.userId }, data: { passwordHash: await hashPassword(PW) } });
    const v1 = (await p.user.findUniqueOrThrow({ where: { id: user.userId } })).sessionVersion;
    expect(await actorForSession(user.userId, v1)).not.toBeNull();
    expect(await actorForSession(user.userId, undefined)).toBeNull();

    await forceSignOut(admin, user.userId);
    expect(await actorForSession(user.userId, v1)).toBeNull();
    const v2 = v1 + 1;
    expect(await actorForSession(user.userId, v2)).not.toBeNull();

    await setConsoleUserDisabled(admin, user.userId, true);
    expect(await actorForSession(user.userId, v2)).toBeNull();
    expect(await actorForSession(user.userId, v2 + 1)).toBeNull();
    expect(await authenticate(user.email, PW, '192.0.2.20')).toMatchObject({ ok: false, reason: 'invalid' });
    await setConsoleUserDisabled(admin, user.userId, false);
    const signedIn = await authenticate(user.email, PW, '192.0.2.20');
    expect(signedIn).toMatchObject({ ok: true, user: { sessionVersion: v2 + 1 } });

    const me = (await actorForSession(user.userId, v2 + 1))!;
    const before = await snapshot();
    expect(
      (await failure(changeOwnPassword(me, 'not my password', 'a brand new password', '192.0.2.21'))).fieldErrors,
    ).toHaveProperty('current');
    expect(await snapshot()).toEqual(before);
    await changeOwnPassword(me, PW, 'a brand new password', '192.0.2.21');
    expect(await actorForSession(user.userId, v2 + 1)).toBeNull();
    expect(await authenticate(user.email, PW, '192.0.2.22')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await authenticate(user.email, 'a brand new password', '192.0.2.22')).toMatchObject({ ok: true });
    const history = await p.auditEvent.findMany({
      where: { entityId: user.userId },
      select: { before: true, after: true },
    });
    expect(JSON.stringify(history)).not.toMatch(/brand new|horse/);
  });

  it('an Admin cannot disable themselves', async () => {
    const a = await makeAdmin();
    expect((await failure(setConsoleUserDisabled(a, a.userId, true))).code).toBe('invalid');
  });
});

describe('8. the last Admin of Global', () => {
  it('holds under 20 concurrent demotions: exactly the allowed ones succeed', async () => {
    const p = await getPrisma();
    // Start from exactly 20 active Admins of Global (all created here).
    const existing = await p.grant.findMany({
      where: { namespaceId: 'global', role: 'admin', userId: { not: null } },
      select: { userId: true, user: { select: { email: true } } },
    });
    const admins: Actor[] = [];
    for (let i = 0; i < 20; i++) admins.push(await makeAdmin(`race-${i}-${uniq()}@example.com`));
    for (const e of existing)
      await p.grant.updateMany({ where: { namespaceId: 'global', userId: e.userId }, data: { role: 'manager' } });
    // Each demotes another (a ring), all at once.
    const results = await Promise.allSettled(
      admins.map((a, i) =>
        addGrant(
          a,
          addGrantSchema.parse({
            namespaceId: 'global',
            subjectType: 'user',
            subject: admins[(i + 1) % 20]!.email,
            role: 'viewer',
          }),
        ),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected');
    const left = await p.grant.count({ where: { namespaceId: 'global', role: 'admin', userId: { not: null } } });
    expect(left).toBeGreaterThanOrEqual(1);
    expect(ok + left).toBe(20);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(AppError);
    // Restore Global admins for the rest of the file.
    for (const e of existing)
      await p.grant.updateMany({ where: { namespaceId: 'global', userId: e.userId }, data: { role: 'admin' } });
  });

  it('20 parallel removals of the same set leave exactly one Admin', async () => {
    const p = await getPrisma();
    const existing = await p.grant.findMany({
      where: { namespaceId: 'global', role: 'admin', userId: { not: null } },
      select: { id: true, userId: true },
    });
    for (const e of existing) await p.grant.update({ where: { id: e.id }, data: { role: 'manager' } });
    const admins: Actor[] = [];
    for (let i = 0; i < 20; i++) admins.push(await makeAdmin(`rm-${i}-${uniq()}@example.com`));
    const grants = await p.grant.findMany({
      where: { namespaceId: 'global', role: 'admin', userId: { in: admins.map((a) => a.userId) } },
      select: { id: true, userId: true },
    });
    // Everyone removes their own Admin grant at once: 19 may go, the last must stay.
    const results = await Promise.allSettled(
      grants.map((g) => removeGrant(admins.find((a) => a.userId === g.userId)!, g.id)),
    );
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(19);
    expect(await p.grant.count({ where: { namespaceId: 'global', role: 'admin', userId: { not: null } } })).toBe(1);
    for (const e of existing) await p.grant.update({ where: { id: e.id }, data: { role: 'admin' } });
  });
});
