import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { Actor } from '@/lib/dal/actor';
import { authorize, effectiveRoles, type Role } from '@/lib/dal/authz';
import { about } from '@/lib/dal/audit';
import { mutate } from '@/lib/dal/mutation';
import { conflict, invalid, notFound } from '@/lib/dal/errors';
import { listNamespaces, subtreeIds } from '@/lib/dal/namespaces';
import { accountTokenIssuer } from '@/lib/dal/account-tokens';
import { enforceLifetimeRule } from '@/lib/dal/lifetime-rules';
import { unusedWhere } from '@/lib/dal/usage';
import { expiryFor, type SORT_KEYS, type createServiceAccountSchema } from '@/lib/schemas/service-account';
import { checkVersion, lockForVersionCheck, type IfMatch } from '@/lib/dal/versions';
import type { z } from 'zod';

export interface ServiceAccountRow {
  id: string;
  userId: string;
  namespaceId: string;
  namespaceName: string;
  description: string;
  impersonating: { id: string; email: string | null } | null;
  disabled: boolean;
  issuedAt: Date;
  expiresAt: Date | null;
  accessedAt: Date | null;
  /** Rotation: the current token generation, and until when the previous one still verifies. */
  generation: number;
  previousValidUntil: Date | null;
  rotatedAt: Date | null;
  /** Why the system disabled it (lib/schemas/lifetime-rule.ts disabledReasonText); null otherwise. */
  disabledReason: string | null;
  /** Last change to the record (not its use): the REST API's ETag. */
  modifiedAt: Date;
}

// Explicit columns: what a page may show. The record holds no secret, and no token.
export const rowSelect = {
  id: true,
  userId: true,
  namespaceId: true,
  description: true,
  disabled: true,
  issuedAt: true,
  expiresAt: true,
  accessedAt: true,
  generation: true,
  previousValidUntil: true,
  rotatedAt: true,
  disabledReason: true,
  modifiedAt: true,
  namespace: { select: { name: true } },
  directoryUser: { select: { id: true, email: true } },
} satisfies Prisma.ServiceAccountSelect;

type Selected = Prisma.ServiceAccountGetPayload<{ select: typeof rowSelect }>;
export const toRow = ({ namespace, directoryUser, ...a }: Selected): ServiceAccountRow => ({
  ...a,
  namespaceName: namespace.name,
  impersonating: directoryUser,
});

export const PAGE_SIZE = 100;

export async function listServiceAccounts(
  actor: Actor | null,
  namespaceId: string,
  opts: {
    q?: string;
    includeChildren?: boolean;
    sort?: (typeof SORT_KEYS)[number];
    dir?: 'asc' | 'desc';
    page?: number;
    /** Only accounts unused for 30+ days. */
    unused?: boolean;
  } = {},
): Promise<{ rows: ServiceAccountRow[]; total: number; page: number; pageCount: number }> {
  await authorize(actor, namespaceId, 'viewer');
  const ids = opts.includeChildren ? subtreeIds(await listNamespaces(actor), namespaceId) : [namespaceId];
  const q = opts.q?.trim();
  const where: Prisma.ServiceAccountWhereInput = {
    namespaceId: { in: ids },
    ...(q
      ? {
          OR: [{ userId: { contains: q, mode: 'insensitive' } }, { description: { contains: q, mode: 'insensitive' } }],
        }
      : {}),
    ...(opts.unused ? { AND: [unusedWhere(new Date())] } : {}),
  };
  const dir = opts.dir ?? 'desc';
  const orderBy: Prisma.ServiceAccountOrderByWithRelationInput[] =
    opts.sort === 'accessed'
      ? [{ accessedAt: { sort: dir, nulls: 'last' } }]
      : opts.sort === 'expires'
        ? [{ expiresAt: { sort: dir, nulls: 'last' } }]
        : opts.sort === 'userId'
          ? [{ userId: dir }]
          : [{ issuedAt: dir }];
  orderBy.push({ id: 'asc' });
  const prisma = await getPrisma();
  const total = await prisma.serviceAccount.count({ where });
  const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.min(Math.max(1, opts.page ?? 1), pageCount);
  const rows = await prisma.serviceAccount.findMany({
    where,
    orderBy,
    select: rowSelect,
    skip: (page - 1) * PAGE_SIZE,
    take: PAGE_SIZE,
  });
  return { rows: rows.map(toRow), total, page, pageCount };
}

/**
 * Creates the account and signs its JWT in one transaction: if signing fails nothing is
 * kept. The token is returned to this caller only; it is never stored or logged.
 */
export async function createServiceAccount(
  actor: Actor | null,
  input: z.output<typeof createServiceAccountSchema>,
): Promise<{ account: ServiceAccountRow; token: string }> {
  // Impersonating a directory user carries their email and groups into the policies of this
  // namespace and its ancestors' enforced ones: that takes the Admin role, not Manager.
  const who = await authorize(actor, input.namespaceId, input.kind === 'impersonate' ? 'admin' : 'manager');
  const now = new Date();
  const expiresAt = expiryFor(input.expiration, input.customExpiresAt, now);
  if (expiresAt && expiresAt.getTime() <= now.getTime()) {
    throw invalid('The expiry must lie in the future.', { customExpiresAt: ['The expiry must lie in the future.'] });
  }
  const issue = await accountTokenIssuer();
  const gone = invalid('That directory user no longer exists.', {
    directoryUserId: ['That directory user no longer exists. Pick another.'],
  });
  return mutate(
    async (m) => {
      const { tx } = m;
      await enforceLifetimeRule(
        tx,
        input.namespaceId,
        expiresAt,
        input.expiration === 'custom' ? 'customExpiresAt' : 'expiration',
        now,
      );
      let userId: string;
      let directoryUserId: string | null = null;
      if (input.kind === 'impersonate') {
        const user = await tx.directoryUser.findUnique({
          where: { id: input.directoryUserId ?? '' },
          select: { id: true },
        });
        if (!user) throw gone;
        userId = directoryUserId = user.id;
      } else {
        userId = (input.userId ?? '').trim();
        // A service-only id must not pass for a directory user in a policy's `user` criterion.
        const clash = await tx.directoryUser.findFirst({
          where: { id: { equals: userId, mode: 'insensitive' } },
          select: { id: true },
        });
        if (clash)
          throw conflict('That user ID belongs to a directory user.', {
            userId: ['A directory user has this ID. Impersonate them instead, or pick another ID.'],
          });
      }
      const created = await tx.serviceAccount.create({
        data: {
          namespaceId: input.namespaceId,
          userId,
          userIdKey: directoryUserId ? null : userId.toLowerCase(),
          directoryUserId,
          description: input.description ?? '',
          originatorId: who.serviceAccount ? null : who.userId,
          expiresAt,
          issuedAt: now,
        },
        select: rowSelect,
      });
      await m.record(who, about('service_account', created.id, created.namespaceId).created(auditView(created)));
      const token = await issue(created, { expiresAt, now: created.issuedAt });
      return { account: toRow(created), token };
    },
    {
      unique: conflict('That user ID is already taken.', {
        userId: ['This user ID is already taken (user IDs are unique, whatever their case).'],
      }),
      foreignKey: input.kind === 'impersonate' ? gone : notFound('The namespace'),
    },
  );
}

/** What the change history keeps of an account: the record, never a token. */
export const auditView = (a: Selected) => ({
  userId: a.userId,
  namespaceId: a.namespaceId,
  description: a.description,
  disabled: a.disabled,
  impersonating: a.directoryUser ? { id: a.directoryUser.id, email: a.directoryUser.email } : null,
  expiresAt: a.expiresAt,
  issuedAt: a.issuedAt,
  generation: a.generation,
  previousValidUntil: a.previousValidUntil,
  disabledReason: a.disabledReason,
});

async function change(
  actor: Actor | null,
  id: string,
  data: Prisma.ServiceAccountUpdateInput | 'delete',
  ifMatch?: IfMatch,
): Promise<void> {
  await mutate(async (m) => {
    await lockForVersionCheck(m.tx, 'service_account', id, ifMatch);
    const before = await m.tx.serviceAccount.findUnique({ where: { id }, select: rowSelect });
    if (!before) throw notFound('The service account');
    const who = await authorize(actor, before.namespaceId, 'manager', m.tx);
    checkVersion(id, before.modifiedAt, ifMatch);
    const account = about('service_account', id, before.namespaceId);
    if (data === 'delete') {
      await m.tx.serviceAccount.delete({ where: { id } });
      await m.record(who, account.deleted(auditView(before)));
    } else {
      const after = await m.tx.serviceAccount.update({ where: { id }, data, select: rowSelect });
      await m.record(who, account.updated(auditView(before), auditView(after)));
    }
  });
}

/** Only the description changes after creation (as in Pomerium). */
export const updateServiceAccountDescription = (
  actor: Actor | null,
  id: string,
  description: string,
  opts: { ifMatch?: IfMatch } = {},
) => change(actor, id, { description }, opts.ifMatch);

/**
 * Suspends or resumes the account without deleting it. Disabling ends a rotation's grace too
 * (no token of the account verifies, and enabling brings back only the current one);
 * enabling clears the reason the system disabled it and restarts the auto-disable clock.
 */
export const setServiceAccountDisabled = (
  actor: Actor | null,
  id: string,
  disabled: boolean,
  opts: { ifMatch?: IfMatch } = {},
) =>
  change(
    actor,
    id,
    disabled
      ? { disabled, previousValidUntil: null, disabledReason: null }
      : { disabled, disabledReason: null, enabledAt: new Date() },
    opts.ifMatch,
  );

/** Revocation deletes the record: its token can never verify again. */
export const revokeServiceAccount = (actor: Actor | null, id: string, opts: { ifMatch?: IfMatch } = {}) =>
  change(actor, id, 'delete', opts.ifMatch);

/** The REST API's PATCH: description and/or enabled state, in one change (one version check, one history entry). */
export const updateServiceAccount = (
  actor: Actor | null,
  id: string,
  patch: { description?: string; disabled?: boolean },
  opts: { ifMatch?: IfMatch } = {},
) =>
  change(
    actor,
    id,
    {
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.disabled === true ? { disabled: true, previousValidUntil: null, disabledReason: null } : {}),
      ...(patch.disabled === false ? { disabled: false, disabledReason: null, enabledAt: new Date() } : {}),
    },
    opts.ifMatch,
  );

export const ACCOUNT_STATES = ['active', 'disabled', 'revoked', 'expired'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

/** An account's state as the REST API names it; a revoked account is deleted, so none is listed as revoked. */
export const accountState = (a: { disabled: boolean; expiresAt: Date | null }, now = new Date()): AccountState =>
  a.expiresAt && a.expiresAt <= now ? 'expired' : a.disabled ? 'disabled' : 'active';

/**
 * A page of accounts the actor may read, ordered by id (a keyset: stable while accounts are
 * added): those of one namespace, or of every namespace the actor holds a role on.
 */
export async function pageServiceAccounts(
  actor: Actor | null,
  opts: { namespaceId?: string; q?: string; state?: AccountState; limit: number; after?: string },
): Promise<{ rows: ServiceAccountRow[]; more: boolean }> {
  let namespaceIds: string[];
  if (opts.namespaceId) {
    await authorize(actor, opts.namespaceId, 'viewer');
    namespaceIds = [opts.namespaceId];
  } else {
    if (!actor) throw notFound('The namespace');
    namespaceIds = [...(await effectiveRoles(actor))].filter(([, r]) => r).map(([id]) => id);
  }
  const now = new Date();
  const q = opts.q?.trim();
  const state: Prisma.ServiceAccountWhereInput =
    opts.state === 'revoked'
      ? { id: { in: [] } }
      : opts.state === 'expired'
        ? { expiresAt: { lte: now } }
        : opts.state === 'disabled'
          ? { disabled: true, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }
          : opts.state === 'active'
            ? { disabled: false, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }
            : {};
  const rows = await (await getPrisma()).serviceAccount.findMany({
    where: {
      AND: [
        { namespaceId: { in: namespaceIds } },
        opts.after ? { id: { gt: opts.after } } : {},
        q
          ? {
              OR: [
                { userId: { contains: q, mode: 'insensitive' } },
                { description: { contains: q, mode: 'insensitive' } },
              ],
            }
          : {},
        state,
      ],
    },
    orderBy: { id: 'asc' },
    take: opts.limit + 1,
    select: rowSelect,
  });
  return { rows: rows.slice(0, opts.limit).map(toRow), more: rows.length > opts.limit };
}

/** One account, for its page. */
export async function getServiceAccount(actor: Actor | null, id: string): Promise<ServiceAccountRow & { role: Role }> {
  const row = await (await getPrisma()).serviceAccount.findUnique({ where: { id }, select: rowSelect });
  if (!row) throw notFound('The service account');
  await authorize(actor, row.namespaceId, 'viewer');
  const role = (await effectiveRoles(actor!)).get(row.namespaceId) ?? 'viewer';
  return { ...toRow(row), role };
}
