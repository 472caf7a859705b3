import 'server-only';
import { randomUUID } from 'node:crypto';
import { getPrisma } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { Tx } from '@/lib/dal/epoch';
import type { AuditEntry } from '@/lib/dal/audit';
import { mutate, type Mutation } from '@/lib/dal/mutation';
import type { ScimCaller } from '@/lib/dal/scim-tokens';
import { badRequest, ScimError, scimNotFound } from '@/lib/scim/errors';
import type { Page } from '@/lib/scim/list';
import type { UserFields, UserFilter, UserRecord } from '@/lib/scim/user';
import type { GroupFields, GroupFilter, GroupRecord } from '@/lib/scim/group';

// SCIM provisioning. The caller is an IdP holding a SCIM token (ScimCaller can only come
// from authenticateScimToken); every change is audited under the token's name.
//
// SCIM sees only the users it provisioned. A user the IdP deletes while service accounts
// still impersonate it is kept as an inactive tombstone without userName: the accounts'
// references stay valid, and the verify path refuses them because the user is inactive.

const GLOBAL = 'global';
const scimUsers = { source: 'scim', userName: { not: null } } satisfies Prisma.DirectoryUserWhereInput;
const groupRef = { select: { id: true, displayName: true } } as const;
const userSelect = {
  id: true,
  userName: true,
  externalId: true,
  email: true,
  name: true,
  active: true,
  createdAt: true,
  updatedAt: true,
  memberships: { select: { group: groupRef } },
} satisfies Prisma.DirectoryUserSelect;
const groupSelect = {
  id: true,
  displayName: true,
  externalId: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.DirectoryGroupSelect;
const memberSelect = {
  members: { select: { user: { select: { id: true, userName: true } } }, orderBy: { userId: 'asc' } },
} satisfies Prisma.DirectoryGroupSelect;

const byName = (a: { displayName: string }, b: { displayName: string }) =>
  a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0;
const toUser = ({
  memberships,
  userName,
  ...u
}: Prisma.DirectoryUserGetPayload<{ select: typeof userSelect }>): UserRecord => ({
  ...u,
  userName: userName ?? '',
  groups: memberships.map((m) => m.group).sort(byName),
});
type GroupRow = Prisma.DirectoryGroupGetPayload<{ select: typeof groupSelect }> & {
  members?: { user: { id: string; userName: string | null } }[];
};
const toGroup = ({ members, ...g }: GroupRow): GroupRecord => ({
  ...g,
  ...(members ? { members: members.map((m) => m.user) } : {}),
});

const userAudit = (id: string, u: Omit<UserFields, 'active'> & { active: boolean }) => ({
  id,
  userName: u.userName,
  externalId: u.externalId,
  email: u.email,
  name: u.name,
  active: u.active,
});
// History stays readable for large groups: at most this many member ids per entry.
const capIds = (ids: string[]) => (ids.length > 1000 ? [...ids.slice(0, 1000), `(${ids.length - 1000} more)`] : ids);

/** Records a SCIM change under the token's name; the directory is install-wide, so it belongs to Global. */
const recordScim = (
  m: Mutation,
  caller: ScimCaller,
  entry: Omit<AuditEntry, 'namespaceId'>,
  opts?: { affectsVerify?: boolean },
) => m.record({ scim: caller.name, address: caller.address }, { ...entry, namespaceId: GLOBAL }, opts);

/** One mutation per SCIM write; lost races with a concurrent write become the SCIM error they amount to. */
function write(fn: (m: Mutation) => Promise<void>): Promise<void> {
  return mutate(fn, {
    unique: new ScimError(409, 'The userName or displayName is already in use.', 'uniqueness'),
    foreignKey: badRequest('invalidValue', 'A member was deleted while the request ran.'),
  });
}

/** Serializes writes that claim a name, whatever its case; released at commit. */
async function lockName(tx: Tx, kind: 1 | 2, name: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${4242100 + kind}::int, hashtext(lower(${name}::text)))`;
}

/**
 * Recomputes the denormalized `groups` of these users (sorted group names). The rows are
 * locked first, then memberships are read afresh, so concurrent membership changes of
 * one user serialize here and none is lost. Returns how many users changed.
 */
async function recomputeGroups(tx: Tx, userIds: string[]): Promise<number> {
  const ids = [...new Set(userIds)].sort();
  if (!ids.length) return 0;
  await tx.$executeRaw`SELECT id FROM directory_users WHERE id = ANY(${ids}::text[]) ORDER BY id FOR NO KEY UPDATE`;
  const count = await tx.$executeRaw`
    UPDATE directory_users u SET groups = s.names, updated_at = now()
    FROM (
      SELECT x.id, COALESCE(array_agg(g.display_name ORDER BY g.display_name COLLATE "C") FILTER (WHERE g.id IS NOT NULL), '{}'::text[]) AS names
      FROM unnest(${ids}::text[]) AS x(id)
      LEFT JOIN directory_group_members m ON m.user_id = x.id
      LEFT JOIN directory_groups g ON g.id = m.group_id
      GROUP BY x.id
    ) s
    WHERE u.id = s.id AND u.groups IS DISTINCT FROM s.names`;
  await pruneApprovedGroups(tx, ids);
  return count;
}

/**
 * A linked console user keeps an approved group only while the directory user has it (and
 * is active): a group SCIM removes, or a deactivation, needs an Admin's approval again.
 */
async function pruneApprovedGroups(tx: Tx, ids: string[]) {
  await tx.$executeRaw`
    UPDATE identity_links l
    SET approved_groups = CASE WHEN u.active THEN ARRAY(SELECT g FROM unnest(l.approved_groups) AS g WHERE g = ANY(u.groups)) ELSE '{}'::text[] END
    FROM directory_users u
    WHERE u.id = l.directory_user_id AND u.id = ANY(${ids}::text[])
      AND l.approved_groups <> '{}'::text[] AND (NOT u.active OR NOT (l.approved_groups <@ u.groups))`;
}

// ---- Users ----

function userWhere(filter: UserFilter | null): Prisma.DirectoryUserWhereInput | null {
  if (filter === 'none') return null;
  if (!filter) return scimUsers;
  const ci = { equals: filter.value, mode: 'insensitive' as const };
  switch (filter.field) {
    case 'userName':
      return { ...scimUsers, userName: ci };
    case 'email':
      return { ...scimUsers, email: ci };
    case 'name':
      return { ...scimUsers, name: ci };
    case 'externalId':
      return { ...scimUsers, externalId: filter.value };
    case 'id':
      return { ...scimUsers, id: filter.value };
  }
}

export async function listScimUsers(
  _caller: ScimCaller,
  filter: UserFilter | null,
  page: Page,
): Promise<{ total: number; users: UserRecord[] }> {
  const where = userWhere(filter);
  if (!where) return { total: 0, users: [] };
  const prisma = await getPrisma();
  const total = await prisma.directoryUser.count({ where });
  const rows =
    page.count && total >= page.startIndex
      ? await prisma.directoryUser.findMany({
          where,
          select: userSelect,
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          skip: page.startIndex - 1,
          take: page.count,
        })
      : [];
  return { total, users: rows.map(toUser) };
}

export async function getScimUser(_caller: ScimCaller, id: string): Promise<UserRecord> {
  const row = await (await getPrisma()).directoryUser.findFirst({ where: { id, ...scimUsers }, select: userSelect });
  if (!row) throw scimNotFound('User', id);
  return toUser(row);
}

async function claimUserName(tx: Tx, userName: string, exceptId?: string) {
  await lockName(tx, 1, userName);
  const clash = await tx.directoryUser.findFirst({
    where: { userName: { equals: userName, mode: 'insensitive' }, ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { id: true },
  });
  if (clash) throw new ScimError(409, `A user with userName ${JSON.stringify(userName)} already exists.`, 'uniqueness');
}

export async function createScimUser(caller: ScimCaller, f: UserFields): Promise<UserRecord> {
  const id = randomUUID();
  await write(async (m) => {
    const { tx } = m;
    await claimUserName(tx, f.userName);
    const active = f.active ?? true;
    await tx.directoryUser.create({
      data: {
        id,
        userName: f.userName,
        externalId: f.externalId,
        email: f.email,
        name: f.name,
        active,
        source: 'scim',
        groups: [],
      },
      select: { id: true },
    });
    // A new user has no impersonators and no groups yet: nothing the verify path holds.
    await recordScim(
      m,
      caller,
      { action: 'create', entityType: 'directory_user', entityId: id, after: userAudit(id, { ...f, active }) },
      { affectsVerify: false },
    );
  });
  return getScimUser(caller, id);
}

/** PUT and PATCH: `next` computes the new fields from the stored user, inside the transaction. */
export async function updateScimUser(
  caller: ScimCaller,
  id: string,
  next: (current: UserRecord) => UserFields,
): Promise<UserRecord> {
  await write(async (m) => {
    const { tx } = m;
    await tx.$executeRaw`SELECT id FROM directory_users WHERE id = ${id} FOR NO KEY UPDATE`;
    const row = await tx.directoryUser.findFirst({ where: { id, ...scimUsers }, select: userSelect });
    if (!row) throw scimNotFound('User', id);
    const before = toUser(row);
    const f = next(before);
    const after = userAudit(id, { ...f, active: f.active ?? before.active });
    const was = userAudit(id, before);
    if (JSON.stringify(after) === JSON.stringify(was)) return;
    if (f.userName.toLowerCase() !== before.userName.toLowerCase()) await claimUserName(tx, f.userName, id);
    await tx.directoryUser.update({
      where: { id },
      data: { userName: f.userName, externalId: f.externalId, email: f.email, name: f.name, active: after.active },
      select: { id: true },
    });
    // Impersonating accounts carry the user's email and active state; a name or userName they do not.
    await recordScim(
      m,
      caller,
      { action: 'update', entityType: 'directory_user', entityId: id, before: was, after },
      { affectsVerify: was.email !== after.email || was.active !== after.active },
    );
    if (!after.active) await pruneApprovedGroups(tx, [id]);
  });
  return getScimUser(caller, id);
}

export async function deleteScimUser(caller: ScimCaller, id: string): Promise<void> {
  await write(async (m) => {
    const { tx } = m;
    const row = await tx.directoryUser.findFirst({
      where: { id, ...scimUsers },
      select: { ...userSelect, _count: { select: { serviceAccounts: true } } },
    });
    if (!row) throw scimNotFound('User', id);
    const before = { ...userAudit(id, toUser(row)), groups: row.memberships.map((m) => m.group.displayName).sort() };
    const impersonators = row._count.serviceAccounts;
    if (impersonators === 0) {
      await tx.directoryUser.delete({ where: { id } }); // memberships go with it
    } else {
      await tx.directoryGroupMember.deleteMany({ where: { userId: id } });
      await tx.directoryUser.update({
        where: { id },
        data: { active: false, userName: null, groups: [] },
        select: { id: true },
      });
      await pruneApprovedGroups(tx, [id]);
    }
    const after = impersonators ? { id, active: false, groups: [], keptForServiceAccounts: impersonators } : undefined;
    await recordScim(m, caller, { action: 'delete', entityType: 'directory_user', entityId: id, before, after });
  });
}

// ---- Groups ----

function groupWhere(filter: GroupFilter | null): Prisma.DirectoryGroupWhereInput {
  if (!filter) return {};
  switch (filter.field) {
    case 'displayName':
      return { displayName: { equals: filter.value, mode: 'insensitive' } };
    case 'externalId':
      return { externalId: filter.value };
    case 'id':
      return { id: filter.value };
    case 'member':
      return { members: { some: { userId: filter.value } } };
  }
}

export async function listScimGroups(
  _caller: ScimCaller,
  filter: GroupFilter | null,
  page: Page,
  withMembers: boolean,
): Promise<{ total: number; groups: GroupRecord[] }> {
  const prisma = await getPrisma();
  const where = groupWhere(filter);
  const total = await prisma.directoryGroup.count({ where });
  if (!page.count || total < page.startIndex) return { total, groups: [] };
  const args = {
    where,
    orderBy: [{ createdAt: 'asc' as const }, { id: 'asc' as const }],
    skip: page.startIndex - 1,
    take: page.count,
  };
  const rows: GroupRow[] = withMembers
    ? await prisma.directoryGroup.findMany({ ...args, select: { ...groupSelect, ...memberSelect } })
    : await prisma.directoryGroup.findMany({ ...args, select: groupSelect });
  return { total, groups: rows.map(toGroup) };
}

export async function getScimGroup(_caller: ScimCaller, id: string, withMembers = true): Promise<GroupRecord> {
  const prisma = await getPrisma();
  const row: GroupRow | null = withMembers
    ? await prisma.directoryGroup.findUnique({ where: { id }, select: { ...groupSelect, ...memberSelect } })
    : await prisma.directoryGroup.findUnique({ where: { id }, select: groupSelect });
  if (!row) throw scimNotFound('Group', id);
  return toGroup(row);
}

type StoredGroup = { id: string; displayName: string; externalId: string | null; memberIds: string[] };

/** Writes a group and its membership change, then the members' `groups`; verify state moves when any user's groups did. */
async function saveGroup(
  m: Mutation,
  caller: ScimCaller,
  id: string,
  before: StoredGroup | null,
  next: GroupFields,
): Promise<void> {
  const { tx } = m;
  if (!before || before.displayName.toLowerCase() !== next.displayName.toLowerCase()) {
    await lockName(tx, 2, next.displayName);
    const clash = await tx.directoryGroup.findFirst({
      where: { displayName: { equals: next.displayName, mode: 'insensitive' }, id: { not: id } },
      select: { id: true },
    });
    if (clash)
      throw new ScimError(409, `A group named ${JSON.stringify(next.displayName)} already exists.`, 'uniqueness');
  }
  const current = new Set(before?.memberIds ?? []);
  const wanted = new Set(next.members ?? current);
  const added = [...wanted].filter((m) => !current.has(m));
  const removed = [...current].filter((m) => !wanted.has(m));
  if (added.length) {
    const found = new Set(
      (await tx.directoryUser.findMany({ where: { id: { in: added }, ...scimUsers }, select: { id: true } })).map(
        (u) => u.id,
      ),
    );
    const missing = added.find((m) => !found.has(m));
    if (missing !== undefined)
      throw badRequest('invalidValue', `Member ${JSON.stringify(missing)} is not a provisioned user.`);
  }
  const fields = { displayName: next.displayName, externalId: next.externalId };
  if (!before) await tx.directoryGroup.create({ data: { id, ...fields }, select: { id: true } });
  else if (before.displayName !== fields.displayName || before.externalId !== fields.externalId)
    await tx.directoryGroup.update({ where: { id }, data: fields, select: { id: true } });
  if (removed.length) await tx.directoryGroupMember.deleteMany({ where: { groupId: id, userId: { in: removed } } });
  if (added.length)
    await tx.directoryGroupMember.createMany({
      data: added.map((userId) => ({ groupId: id, userId })),
      skipDuplicates: true,
    });
  const renamed = !!before && before.displayName !== next.displayName;
  const changedUsers = await recomputeGroups(tx, renamed ? [...wanted, ...removed] : [...added, ...removed]);
  if (
    before &&
    !added.length &&
    !removed.length &&
    before.displayName === fields.displayName &&
    before.externalId === fields.externalId
  )
    return;
  await recordScim(
    m,
    caller,
    {
      action: before ? 'update' : 'create',
      entityType: 'directory_group',
      entityId: id,
      before: before
        ? { id, displayName: before.displayName, externalId: before.externalId, memberCount: current.size }
        : undefined,
      after: {
        id,
        ...fields,
        memberCount: wanted.size,
        ...(added.length ? { membersAdded: capIds(added) } : {}),
        ...(removed.length ? { membersRemoved: capIds(removed) } : {}),
      },
    },
    { affectsVerify: changedUsers > 0 },
  );
}

export async function createScimGroup(caller: ScimCaller, f: GroupFields): Promise<GroupRecord> {
  const id = randomUUID();
  await write((m) => saveGroup(m, caller, id, null, { ...f, members: f.members ?? [] }));
  return getScimGroup(caller, id);
}

/** PUT and PATCH: `next` computes the new fields from the stored group (members included), inside the transaction. */
export async function updateScimGroup(
  caller: ScimCaller,
  id: string,
  next: (current: GroupRecord & { members: { id: string }[] }) => GroupFields,
): Promise<void> {
  await write(async (m) => {
    const { tx } = m;
    await tx.$executeRaw`SELECT id FROM directory_groups WHERE id = ${id} FOR NO KEY UPDATE`;
    const row = await tx.directoryGroup.findUnique({ where: { id }, select: { ...groupSelect, ...memberSelect } });
    if (!row) throw scimNotFound('Group', id);
    const current = { ...toGroup(row), members: row.members.map((m) => m.user) };
    const before = {
      id,
      displayName: row.displayName,
      externalId: row.externalId,
      memberIds: current.members.map((m) => m.id),
    };
    await saveGroup(m, caller, id, before, next(current));
  });
}

export async function deleteScimGroup(caller: ScimCaller, id: string): Promise<void> {
  await write(async (m) => {
    const { tx } = m;
    const row = await tx.directoryGroup.findUnique({
      where: { id },
      select: { ...groupSelect, members: { select: { userId: true } } },
    });
    if (!row) throw scimNotFound('Group', id);
    await tx.directoryGroup.delete({ where: { id } }); // memberships go with it
    const changedUsers = await recomputeGroups(
      tx,
      row.members.map((m) => m.userId),
    );
    await recordScim(
      m,
      caller,
      {
        action: 'delete',
        entityType: 'directory_group',
        entityId: id,
        before: { id, displayName: row.displayName, externalId: row.externalId, memberCount: row.members.length },
      },
      { affectsVerify: changedUsers > 0 },
    );
  });
}
