import 'server-only';
import { randomBytes } from 'node:crypto';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { authorize, authorizeGlobal, type Role } from '@/lib/dal/authz';
import { GLOBAL_NAMESPACE_ID } from '@/lib/schemas/namespace';
import { consoleUserEntry } from '@/lib/dal/audit';
import { mutate } from '@/lib/dal/mutation';
import type { Tx } from '@/lib/dal/epoch';
import { AppError, conflict, invalid, notFound } from '@/lib/dal/errors';
import { gated, keepOneGlobalAdmin, linkedGroups, normalizeEmail, sha256 } from '@/lib/dal/users';
import { hashPassword } from '@/lib/auth/password';
import { config } from '@/lib/config';

// User management (Admin of Global): console users, their invites, sessions and the
// links to their directory identities. Every function checks its caller first.

export const INVITE_VALID_MS = 72 * 60 * 60 * 1000;

export interface ConsoleUserRow {
  id: string;
  email: string;
  /** How the user signs in: a password, single sign-on, or an invite still open. */
  signIn: ('password' | 'sso' | 'invite pending')[];
  lastSignInAt: Date | null;
  disabled: boolean;
  roles: { namespaceId: string; namespaceName: string; role: Role; via: string }[];
  link: {
    directoryUserId: string;
    directoryEmail: string | null;
    via: string;
    groups: string[];
    pendingGroups: string[];
  } | null;
}

export interface PendingLink {
  kind: 'suggested' | 'groups';
  userId: string;
  userEmail: string;
  directoryUserId: string;
  directoryEmail: string | null;
  /** What an Admin's confirmation would give: each group grant it would make effective. */
  grants: { group: string; namespaceName: string; role: Role }[];
  groups: string[];
}

async function groupGrants(db: Pick<Tx, 'grant'>, groups: string[]) {
  if (!groups.length) return [];
  const rows = await db.grant.findMany({
    where: { groupName: { in: groups } },
    select: { groupName: true, role: true, namespaceId: true, namespace: { select: { name: true } } },
    orderBy: [{ groupName: 'asc' }, { namespaceId: 'asc' }],
  });
  return rows.map((g) => ({
    group: g.groupName!,
    namespaceId: g.namespaceId,
    namespaceName: g.namespace.name,
    role: g.role as Role,
  }));
}

export async function listConsoleUsers(actor: Actor | null): Promise<ConsoleUserRow[]> {
  await authorizeGlobal(actor, 'admin');
  const prisma = await getPrisma();
  const now = new Date();
  const users = await prisma.user.findMany({
    orderBy: { email: 'asc' },
    take: 1000,
    select: {
      id: true,
      email: true,
      passwordHash: true,
      ssoSubject: true,
      lastSignInAt: true,
      disabled: true,
      grants: { select: { role: true, namespaceId: true, namespace: { select: { name: true } } } },
      invites: { where: { usedAt: null, expiresAt: { gt: now } }, select: { id: true }, take: 1 },
      link: {
        select: {
          via: true,
          approvedGroups: true,
          directoryUserId: true,
          directoryUser: { select: { email: true, active: true, groups: true } },
        },
      },
    },
  });
  const allGroups = [...new Set(users.flatMap((u) => linkedGroups(u.link)))];
  const byGroup = new Map<string, Awaited<ReturnType<typeof groupGrants>>>();
  for (const g of await groupGrants(prisma, allGroups))
    (byGroup.get(g.group) ?? byGroup.set(g.group, []).get(g.group)!).push(g);
  return users.map((u) => {
    const effective = linkedGroups(u.link);
    const approved = new Set(u.link?.approvedGroups ?? []);
    return {
      id: u.id,
      email: u.email,
      lastSignInAt: u.lastSignInAt,
      disabled: u.disabled,
      signIn: [
        ...(u.passwordHash ? ['password' as const] : []),
        ...(u.ssoSubject ? ['sso' as const] : []),
        ...(u.invites.length ? ['invite pending' as const] : []),
      ],
      roles: [
        ...u.grants.map((g) => ({
          namespaceId: g.namespaceId,
          namespaceName: g.namespace.name,
          role: g.role as Role,
          via: 'direct',
        })),
        ...effective.flatMap((group) =>
          (byGroup.get(group) ?? []).map((g) => ({
            namespaceId: g.namespaceId,
            namespaceName: g.namespaceName,
            role: g.role,
            via: `group ${group}`,
          })),
        ),
      ],
      link: u.link
        ? {
            directoryUserId: u.link.directoryUserId,
            directoryEmail: u.link.directoryUser.email,
            via: u.link.via,
            groups: effective,
            pendingGroups: u.link.directoryUser.active
              ? u.link.directoryUser.groups.filter((g) => !approved.has(g))
              : [],
          }
        : null,
    };
  });
}

/**
 * Links waiting for an Admin: directory users whose email matches an unlinked console user
 * (a suggestion only: email alone never links), and linked users whose directory groups
 * include groups not yet approved (e.g. added by SCIM).
 */
export async function listPendingLinks(actor: Actor | null): Promise<PendingLink[]> {
  await authorizeGlobal(actor, 'admin');
  const prisma = await getPrisma();
  const unlinked = await prisma.user.findMany({ where: { link: null }, select: { id: true, email: true }, take: 1000 });
  const out: PendingLink[] = [];
  if (unlinked.length) {
    const dir = await prisma.directoryUser.findMany({
      where: {
        link: null,
        active: true,
        OR: unlinked.map((u) => ({ email: { equals: u.email, mode: 'insensitive' as const } })),
      },
      select: { id: true, email: true, groups: true },
      take: 1000,
    });
    for (const d of dir) {
      const u = unlinked.find((x) => x.email === d.email?.toLowerCase());
      if (!u) continue;
      out.push({
        kind: 'suggested',
        userId: u.id,
        userEmail: u.email,
        directoryUserId: d.id,
        directoryEmail: d.email,
        groups: d.groups,
        grants: await groupGrants(prisma, d.groups),
      });
    }
  }
  const linked = await prisma.identityLink.findMany({
    select: {
      userId: true,
      approvedGroups: true,
      user: { select: { email: true } },
      directoryUser: { select: { id: true, email: true, groups: true, active: true } },
    },
  });
  for (const l of linked) {
    if (!l.directoryUser.active) continue;
    const approved = new Set(l.approvedGroups);
    const pending = l.directoryUser.groups.filter((g) => !approved.has(g));
    if (!pending.length) continue;
    out.push({
      kind: 'groups',
      userId: l.userId,
      userEmail: l.user.email,
      directoryUserId: l.directoryUser.id,
      directoryEmail: l.directoryUser.email,
      groups: pending,
      grants: await groupGrants(prisma, pending),
    });
  }
  return out;
}

/**
 * Confirming a link (or a link's new groups) gives the console user every grant those
 * groups hold: the caller must be Admin of each namespace such a grant covers.
 */
async function requireAdminForGroups(tx: Tx, who: Actor, groups: string[]) {
  for (const g of await groupGrants(tx, groups)) await authorize(who, g.namespaceId, 'admin', tx);
}

/** An Admin's confirmation: links the console user to the directory user, approving its current groups. */
export async function linkIdentity(actor: Actor | null, userId: string, directoryUserId: string): Promise<void> {
  const who = await authorizeGlobal(actor, 'admin');
  await mutate(
    async ({ tx, record }) => {
      const user = await tx.user.findUnique({
        where: { id: userId },
        select: { email: true, link: { select: { userId: true } } },
      });
      if (!user) throw notFound('The console user');
      if (user.link) throw conflict('This console user is already linked. Unlink them first.');
      const dir = await tx.directoryUser.findUnique({
        where: { id: directoryUserId },
        select: { id: true, groups: true, active: true, link: { select: { userId: true } } },
      });
      if (!dir) throw notFound('The directory user');
      if (dir.link) throw conflict('This directory user is already linked to another console user.');
      const groups = dir.active ? dir.groups : [];
      await requireAdminForGroups(tx, who, groups);
      await tx.identityLink.create({
        data: {
          userId,
          directoryUserId,
          via: 'admin',
          approvedGroups: groups,
          approvedBy: who.email,
          approvedAt: new Date(),
        },
      });
      await record(who, {
        action: 'create',
        entityType: 'identity_link',
        entityId: userId,
        namespaceId: GLOBAL_NAMESPACE_ID,
        after: { user: user.email, directoryUser: directoryUserId, approvedGroups: groups },
      });
    },
    { unique: conflict('One of the two was linked meanwhile. Reload the page.') },
  );
}

/** Approves the linked directory user's current groups (those SCIM or a Manager added since). */
export async function approveLinkGroups(actor: Actor | null, userId: string): Promise<void> {
  const who = await authorizeGlobal(actor, 'admin');
  await mutate(async ({ tx, record }) => {
    await tx.$executeRaw`SELECT user_id FROM identity_links WHERE user_id = ${userId}::uuid FOR UPDATE`;
    const link = await tx.identityLink.findUnique({
      where: { userId },
      select: {
        approvedGroups: true,
        user: { select: { email: true } },
        directoryUser: { select: { id: true, groups: true, active: true } },
      },
    });
    if (!link) throw notFound('The link');
    const groups = link.directoryUser.active ? link.directoryUser.groups : [];
    const added = groups.filter((g) => !link.approvedGroups.includes(g));
    await requireAdminForGroups(tx, who, added);
    await tx.identityLink.update({
      where: { userId },
      data: { approvedGroups: groups, approvedBy: who.email, approvedAt: new Date() },
    });
    await record(who, {
      action: 'update',
      entityType: 'identity_link',
      entityId: userId,
      namespaceId: GLOBAL_NAMESPACE_ID,
      before: { user: link.user.email, directoryUser: link.directoryUser.id, approvedGroups: link.approvedGroups },
      after: { user: link.user.email, directoryUser: link.directoryUser.id, approvedGroups: groups },
    });
  });
}

export async function unlinkIdentity(actor: Actor | null, userId: string): Promise<void> {
  const who = await authorizeGlobal(actor, 'admin');
  await mutate(async ({ tx, record }) => {
    const link = await tx.identityLink.findUnique({
      where: { userId },
      select: { directoryUserId: true, approvedGroups: true, user: { select: { email: true } } },
    });
    if (!link) throw notFound('The link');
    await tx.identityLink.delete({ where: { userId } });
    await record(who, {
      action: 'delete',
      entityType: 'identity_link',
      entityId: userId,
      namespaceId: GLOBAL_NAMESPACE_ID,
      before: { user: link.user.email, directoryUser: link.directoryUserId, approvedGroups: link.approvedGroups },
    });
  });
}

// ---- Invites ----

function newInvite() {
  const token = randomBytes(32).toString('base64url');
  return {
    token,
    tokenHash: sha256(token),
    url: `${config.publicUrl}/invite#${token}`,
    expiresAt: new Date(Date.now() + INVITE_VALID_MS),
  };
}

/**
 * Adds a console user by email, without password and without role, and returns a one-time
 * invite link where they set their password. The link is returned here only: the database
 * keeps its SHA-256.
 */
export async function addConsoleUser(
  actor: Actor | null,
  email: string,
): Promise<{ id: string; inviteUrl: string; expiresAt: Date }> {
  const who = await authorizeGlobal(actor, 'admin');
  const address = normalizeEmail(email);
  const invite = newInvite();
  const user = await mutate(
    async ({ tx, record }) => {
      const created = await tx.user.create({ data: { email: address }, select: { id: true } });
      await tx.userInvite.create({
        data: { userId: created.id, tokenHash: invite.tokenHash, expiresAt: invite.expiresAt, createdById: who.userId },
      });
      await record(
        who,
        consoleUserEntry('create', created.id, { after: { email: address, invitedUntil: invite.expiresAt } }),
      );
      return created;
    },
    {
      unique: conflict('A console user with this email exists.', { email: ['A console user with this email exists.'] }),
    },
  );
  return { id: user.id, inviteUrl: invite.url, expiresAt: invite.expiresAt };
}

/** A new invite link for a user who has no password yet; earlier links stop working. */
export async function reinviteConsoleUser(
  actor: Actor | null,
  userId: string,
): Promise<{ inviteUrl: string; expiresAt: Date }> {
  const who = await authorizeGlobal(actor, 'admin');
  const invite = newInvite();
  await mutate(async ({ tx, record }) => {
    const user = await tx.user.findUnique({
      where: { id: userId },
      select: { email: true, passwordHash: true, ssoSubject: true },
    });
    if (!user) throw notFound('The console user');
    if (user.passwordHash) throw conflict('This user has a password already. They can change it themselves.');
    if (user.ssoSubject) throw conflict('This user signs in with single sign-on.');
    await tx.userInvite.deleteMany({ where: { userId, usedAt: null } });
    await tx.userInvite.create({
      data: { userId, tokenHash: invite.tokenHash, expiresAt: invite.expiresAt, createdById: who.userId },
    });
    await record(
      who,
      consoleUserEntry('update', userId, { after: { email: user.email, invitedUntil: invite.expiresAt } }),
    );
  });
  return { inviteUrl: invite.url, expiresAt: invite.expiresAt };
}

/** Anonymous: the invite link itself is the credential. It works once, within 72 hours. */
export async function acceptInvite(token: string, password: string): Promise<{ email: string }> {
  const tokenHash = sha256(token);
  const prisma = await getPrisma();
  const expired = () =>
    invalid(
      'This invite link is not valid: it was used already, has expired or was replaced. Ask an administrator for a new one.',
    );
  // A cheap look first, so a wrong link costs no password hashing.
  const found = await prisma.userInvite.findUnique({ where: { tokenHash }, select: { usedAt: true, expiresAt: true } });
  if (!found || found.usedAt || found.expiresAt.getTime() <= Date.now()) throw expired();
  const passwordHash = await gated(() => hashPassword(password));
  return mutate(async ({ tx, record }) => {
    // Claims the invite: of two simultaneous uses, one updates the row.
    const { count } = await tx.userInvite.updateMany({
      where: { tokenHash, usedAt: null, expiresAt: { gt: new Date() } },
      data: { usedAt: new Date() },
    });
    if (count !== 1) throw expired();
    const invite = await tx.userInvite.findUniqueOrThrow({
      where: { tokenHash },
      select: { user: { select: { id: true, email: true, disabled: true } } },
    });
    if (invite.user.disabled) throw expired();
    await tx.user.update({
      where: { id: invite.user.id },
      data: { passwordHash, sessionVersion: { increment: 1 } },
      select: { id: true },
    });
    await record(
      { userId: invite.user.id, email: invite.user.email, groups: [] },
      consoleUserEntry('update', invite.user.id, { after: { email: invite.user.email, passwordSet: true } }),
    );
    return { email: invite.user.email };
  });
}

// ---- Sessions and access ----

async function changeUser(actor: Actor | null, userId: string, what: 'disable' | 'enable' | 'sign-out') {
  const who = await authorizeGlobal(actor, 'admin');
  if (userId === who.userId && what === 'disable') throw invalid('You cannot disable yourself.');
  await mutate(async ({ tx, record }) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true, disabled: true } });
    if (!user) throw notFound('The console user');
    if (what === 'disable' && !user.disabled) await keepOneGlobalAdmin(tx, userId);
    await tx.user.update({
      where: { id: userId },
      data: {
        ...(what === 'sign-out' ? {} : { disabled: what === 'disable' }),
        ...(what === 'enable' ? {} : { sessionVersion: { increment: 1 } }),
      },
      select: { id: true },
    });
    await record(
      who,
      consoleUserEntry('update', userId, {
        before: { email: user.email, disabled: user.disabled },
        after:
          what === 'sign-out'
            ? { email: user.email, sessionsRevoked: true }
            : { email: user.email, disabled: what === 'disable' },
      }),
    );
  });
}

/** A disabled user cannot sign in, and their open sessions end at their next request. */
export const setConsoleUserDisabled = (actor: Actor | null, userId: string, disabled: boolean) =>
  changeUser(actor, userId, disabled ? 'disable' : 'enable');
/** Ends every session of the user at its next request. */
export const forceSignOut = (actor: Actor | null, userId: string) => changeUser(actor, userId, 'sign-out');

/** Every user may change their own password, with the current one. Their other sessions end. */
export async function changeOwnPassword(
  actor: Actor | null,
  current: string,
  next: string,
  address: string | null,
): Promise<void> {
  if (!actor) throw new AppError('unauthorized', 'You are not signed in.');
  const { authenticate } = await import('@/lib/dal/users');
  // The same throttled, gated check as signing in: a stolen session cannot guess the password faster.
  const check = await authenticate(actor.email, current, address);
  if (!check.ok) {
    if (check.reason === 'throttled')
      throw invalid(`Too many attempts. Try again in ${Math.ceil((check.retryAfterMs ?? 1000) / 1000)} seconds.`);
    if (check.reason === 'busy')
      throw new AppError('unavailable', 'The server is busy checking other passwords. Try again in a moment.');
    throw invalid('The current password is not right.', { current: ['This is not your current password.'] });
  }
  const passwordHash = await gated(() => hashPassword(next));
  await mutate(async ({ tx, record }) => {
    await tx.user.update({
      where: { id: actor.userId },
      data: { passwordHash, sessionVersion: { increment: 1 } },
      select: { id: true },
    });
    await record(
      actor,
      consoleUserEntry('update', actor.userId, { after: { email: actor.email, passwordChanged: true } }),
    );
  });
}
