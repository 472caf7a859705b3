import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { atLeast, authorizeAnyRole, authorizeGlobal, effectiveRoles } from '@/lib/dal/authz';
import { mutate } from '@/lib/dal/mutation';
import { conflict, notFound } from '@/lib/dal/errors';
import { GLOBAL_NAMESPACE_ID } from '@/lib/schemas/namespace';

export interface DirectoryUserRow {
  id: string;
  email: string | null;
  name: string | null;
  groups: string[];
  active: boolean;
  source: string;
  impersonatedBy: number;
}

/** Whether the actor may edit the directory (Manager of Global): the page hides the forms otherwise. */
export async function canManageDirectory(actor: Actor): Promise<boolean> {
  return atLeast((await effectiveRoles(actor)).get(GLOBAL_NAMESPACE_ID), 'manager');
}

// The directory is install-wide: it belongs to Global.
/** Directory users whose id, email or name contains `q` (any case); every user without one. */
const matching = (q: string | undefined) =>
  q
    ? {
        OR: [
          { id: { contains: q, mode: 'insensitive' as const } },
          { email: { contains: q, mode: 'insensitive' as const } },
          { name: { contains: q, mode: 'insensitive' as const } },
        ],
      }
    : {};

export async function listDirectoryUsers(actor: Actor | null, q?: string): Promise<DirectoryUserRow[]> {
  // Anyone with a role may read it: the impersonation and policy pickers list its users.
  await authorizeAnyRole(actor);
  const rows = await (await getPrisma()).directoryUser.findMany({
    where: matching(q),
    orderBy: { id: 'asc' },
    take: 500,
    select: {
      id: true,
      email: true,
      name: true,
      groups: true,
      active: true,
      source: true,
      _count: { select: { serviceAccounts: true } },
    },
  });
  return rows.map(({ _count, ...r }) => ({ ...r, impersonatedBy: _count.serviceAccounts }));
}

export async function createDirectoryUser(
  actor: Actor | null,
  input: { id: string; email: string; name: string; groups: string[] },
) {
  const who = await authorizeGlobal(actor, 'manager');
  const idTaken = conflict('A directory user with this ID exists.', { id: ['A directory user with this ID exists.'] });
  return mutate(
    async (m) => {
      const sa = await m.tx.serviceAccount.findFirst({
        where: { userIdKey: input.id.toLowerCase() },
        select: { id: true },
      });
      if (sa)
        throw conflict('A service account already uses this ID.', { id: ['A service account already uses this ID.'] });
      const clash = await m.tx.directoryUser.findFirst({
        where: { id: { equals: input.id, mode: 'insensitive' } },
        select: { id: true },
      });
      if (clash) throw idTaken;
      const created = await m.tx.directoryUser.create({
        data: { id: input.id, email: input.email || null, name: input.name || null, groups: input.groups },
        select: { id: true, email: true, name: true, groups: true },
      });
      await m.record(who, {
        action: 'create',
        entityType: 'directory_user',
        entityId: created.id,
        namespaceId: GLOBAL_NAMESPACE_ID,
        after: created,
      });
      return { id: created.id };
    },
    { unique: idTaken },
  );
}

/** Refused while service accounts impersonate the user: revoke those first. */
export async function deleteDirectoryUser(actor: Actor | null, id: string): Promise<void> {
  const who = await authorizeGlobal(actor, 'manager');
  await mutate(async (m) => {
    const user = await m.tx.directoryUser.findUnique({
      where: { id },
      select: { email: true, name: true, groups: true, _count: { select: { serviceAccounts: true } } },
    });
    if (!user) throw notFound('The directory user');
    const n = user._count.serviceAccounts;
    if (n)
      throw conflict(
        `${n} service account${n === 1 ? '' : 's'} impersonate${n === 1 ? 's' : ''} this user. Revoke ${n === 1 ? 'it' : 'them'} first.`,
      );
    await m.tx.directoryUser.delete({ where: { id } });
    await m.record(who, {
      action: 'delete',
      entityType: 'directory_user',
      entityId: id,
      namespaceId: GLOBAL_NAMESPACE_ID,
      before: { id, email: user.email, name: user.name, groups: user.groups },
    });
  });
}

/** A page of directory users, ordered by id (a keyset); `q` matches id, email or name. Anyone with a role may read. */
export async function pageDirectoryUsers(
  actor: Actor | null,
  opts: { q?: string; limit: number; after?: string },
): Promise<{ rows: DirectoryUserRow[]; more: boolean }> {
  await authorizeAnyRole(actor);
  const q = opts.q?.trim();
  const rows = await (await getPrisma()).directoryUser.findMany({
    where: {
      AND: [opts.after !== undefined ? { id: { gt: opts.after } } : {}, matching(q)],
    },
    orderBy: { id: 'asc' },
    take: opts.limit + 1,
    select: {
      id: true,
      email: true,
      name: true,
      groups: true,
      active: true,
      source: true,
      _count: { select: { serviceAccounts: true } },
    },
  });
  return {
    rows: rows.slice(0, opts.limit).map(({ _count, ...r }) => ({ ...r, impersonatedBy: _count.serviceAccounts })),
    more: rows.length > opts.limit,
  };
}

export interface DirectoryGroupRow {
  name: string;
  /** Provisioned by SCIM (a directory group record), or only named on users' group lists. */
  source: 'scim' | 'manual';
  /** Directory users that carry the group. */
  members: number;
}

/** Every group the directory knows, by name: SCIM's groups and those typed on users. Anyone with a role may read. */
export async function listDirectoryGroups(actor: Actor | null): Promise<DirectoryGroupRow[]> {
  await authorizeAnyRole(actor);
  const prisma = await getPrisma();
  const [groups, users] = await Promise.all([
    prisma.directoryGroup.findMany({ select: { displayName: true } }),
    prisma.directoryUser.findMany({ where: { groups: { isEmpty: false } }, select: { groups: true } }),
  ]);
  const out = new Map<string, DirectoryGroupRow>();
  for (const g of groups) out.set(g.displayName, { name: g.displayName, source: 'scim', members: 0 });
  for (const u of users)
    for (const name of new Set(u.groups)) {
      const row = out.get(name) ?? out.set(name, { name, source: 'manual', members: 0 }).get(name)!;
      row.members++;
    }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
