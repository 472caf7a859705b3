import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { namespaceTree, subtreeIds } from '@/lib/dal/namespaces';
import { authorize, type Role } from '@/lib/dal/authz';
import { mutate } from '@/lib/dal/mutation';
import type { Tx } from '@/lib/dal/epoch';
import { invalid, notFound } from '@/lib/dal/errors';
import { GLOBAL_NAMESPACE_ID } from '@/lib/schemas/namespace';
import { keepOneGlobalAdmin } from '@/lib/dal/users';
import type { addGrantSchema } from '@/lib/schemas/grant';
import type { z } from 'zod';

export interface GrantRow {
  id: string;
  role: Role;
  namespaceId: string;
  namespaceName: string;
  subjectType: 'user' | 'group' | 'service_account';
  /** The user's email, the group's name, or the service account's user ID. */
  subject: string;
  /** For a service account's grant: the account's id. */
  serviceAccountId: string | null;
  /** Granted on an ancestor: holds here too, edited there. */
  inherited: boolean;
  /** A group grant whose group no longer exists in the directory. */
  stale: boolean;
}

async function groupExists(tx: Tx, name: string): Promise<boolean> {
  const [g, u] = await Promise.all([
    tx.directoryGroup.findFirst({ where: { displayName: name }, select: { id: true } }),
    tx.directoryUser.findFirst({ where: { groups: { has: name } }, select: { id: true } }),
  ]);
  return !!(g || u);
}

/** Grants that hold in a namespace: its own and those inherited from its ancestors. */
export async function listGrants(actor: Actor | null, namespaceId: string): Promise<GrantRow[]> {
  await authorize(actor, namespaceId, 'viewer');
  const prisma = await getPrisma();
  const all = await namespaceTree();
  const byId = new Map(all.map((n) => [n.id, n]));
  const chain: string[] = [];
  for (let cur = byId.get(namespaceId); cur; cur = cur.parentId ? byId.get(cur.parentId) : undefined)
    chain.push(cur.id);
  const grants = await prisma.grant.findMany({
    where: { namespaceId: { in: chain } },
    select: {
      id: true,
      role: true,
      namespaceId: true,
      groupName: true,
      user: { select: { email: true } },
      serviceAccount: { select: { id: true, userId: true } },
    },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  const groups = new Set<string>();
  for (const g of grants) if (g.groupName) groups.add(g.groupName);
  const existing = new Set<string>();
  for (const name of groups) if (await groupExists(prisma, name)) existing.add(name);
  return grants
    .map((g) => ({
      id: g.id,
      role: g.role as Role,
      namespaceId: g.namespaceId,
      namespaceName: byId.get(g.namespaceId)?.name ?? '',
      subjectType: g.serviceAccount
        ? ('service_account' as const)
        : g.groupName
          ? ('group' as const)
          : ('user' as const),
      subject: g.groupName ?? g.user?.email ?? g.serviceAccount?.userId ?? '',
      serviceAccountId: g.serviceAccount?.id ?? null,
      inherited: g.namespaceId !== namespaceId,
      stale: !!g.groupName && !existing.has(g.groupName),
    }))
    .sort((a, b) => Number(a.inherited) - Number(b.inherited) || a.subject.localeCompare(b.subject));
}

/**
 * Grants a role to a console user (by email), a directory group, or a service account; a
 * second grant to the same subject changes its role. A service account may be given a role
 * only on its own namespace or one of that namespace's ancestors: a grant never reaches an
 * account from outside the tree it lives in (the account then calls the REST API with its JWT).
 */
export async function addGrant(actor: Actor | null, input: z.output<typeof addGrantSchema>): Promise<{ id: string }> {
  const who = await authorize(actor, input.namespaceId, 'admin');
  return mutate(async ({ tx, record }) => {
    let userId: string | null = null;
    let groupName: string | null = null;
    let serviceAccountId: string | null = null;
    let subject: string;
    if (input.subjectType === 'user') {
      const user = await tx.user.findUnique({ where: { email: input.subject }, select: { id: true } });
      if (!user)
        throw invalid('No console user has this email.', {
          subject: ['No console user has this email. They must sign in once (or be created) first.'],
        });
      userId = user.id;
      subject = input.subject;
    } else if (input.subjectType === 'group') {
      if (!(await groupExists(tx, input.subject)))
        throw invalid('That group does not exist in the directory.', {
          subject: ['No directory group has this name.'],
        });
      groupName = input.subject;
      subject = input.subject;
    } else {
      const account = await tx.serviceAccount.findUnique({
        where: { id: input.serviceAccountId },
        select: { id: true, userId: true, namespaceId: true },
      });
      const inTree = account && subtreeIds(await namespaceTree(tx), input.namespaceId).includes(account.namespaceId);
      if (!account || !inTree)
        throw invalid('That service account is not in this namespace.', {
          serviceAccountId: ['Choose a service account of this namespace or one of its descendants.'],
        });
      serviceAccountId = account.id;
      subject = `service-account:${account.userId}`;
    }
    const where = userId
      ? { namespaceId: input.namespaceId, userId }
      : groupName
        ? { namespaceId: input.namespaceId, groupName }
        : { namespaceId: input.namespaceId, serviceAccountId: serviceAccountId! };
    const before = await tx.grant.findFirst({ where, select: { id: true, role: true } });
    if (before) {
      if (before.role === 'admin' && input.role !== 'admin' && input.namespaceId === GLOBAL_NAMESPACE_ID && userId)
        await keepOneGlobalAdmin(tx, userId);
      await tx.grant.update({ where: { id: before.id }, data: { role: input.role } });
      await record(who, {
        action: 'update',
        entityType: 'grant',
        entityId: before.id,
        namespaceId: input.namespaceId,
        before: { subject, role: before.role },
        after: { subject, role: input.role },
      });
      return { id: before.id };
    }
    const created = await tx.grant.create({
      data: { namespaceId: input.namespaceId, role: input.role, userId, groupName, serviceAccountId },
      select: { id: true },
    });
    await record(who, {
      action: 'create',
      entityType: 'grant',
      entityId: created.id,
      namespaceId: input.namespaceId,
      after: { subjectType: input.subjectType, subject, role: input.role },
    });
    return created;
  });
}

export async function removeGrant(actor: Actor | null, id: string): Promise<void> {
  const prisma = await getPrisma();
  const found = await prisma.grant.findUnique({ where: { id }, select: { namespaceId: true } });
  if (!found) throw notFound('The grant');
  const who = await authorize(actor, found.namespaceId, 'admin');
  await mutate(async ({ tx, record }) => {
    const g = await tx.grant.findUnique({
      where: { id },
      select: {
        namespaceId: true,
        role: true,
        groupName: true,
        userId: true,
        user: { select: { email: true } },
        serviceAccount: { select: { userId: true } },
      },
    });
    if (!g) throw notFound('The grant');
    if (g.namespaceId === GLOBAL_NAMESPACE_ID && g.role === 'admin' && g.userId) await keepOneGlobalAdmin(tx, g.userId);
    await tx.grant.delete({ where: { id } });
    await record(who, {
      action: 'delete',
      entityType: 'grant',
      entityId: id,
      namespaceId: g.namespaceId,
      before: {
        subject:
          g.groupName ?? g.user?.email ?? (g.serviceAccount ? `service-account:${g.serviceAccount.userId}` : null),
        role: g.role,
      },
    });
  });
}
