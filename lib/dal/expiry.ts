import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { Actor } from '@/lib/dal/actor';
import { authorize } from '@/lib/dal/authz';
import { namespaceTree, subtreeIds } from '@/lib/dal/namespaces';

export interface ExpiringAccount {
  id: string;
  userId: string;
  namespaceId: string;
  namespaceName: string;
  /** ISO 8601 */
  expiresAt: string;
}

const DAY_MS = 86_400_000;
// A namespace page shows a summary, not an inventory; the service-accounts list has the rest.
const MAX_LISTED = 1000;

const select = {
  id: true,
  userId: true,
  namespaceId: true,
  expiresAt: true,
  namespace: { select: { name: true } },
} satisfies Prisma.ServiceAccountSelect;
type Row = Prisma.ServiceAccountGetPayload<{ select: typeof select }>;
const toDto = ({ namespace, expiresAt, ...a }: Row): ExpiringAccount => ({
  ...a,
  namespaceName: namespace.name,
  expiresAt: expiresAt!.toISOString(),
});

// Disabled accounts are left out: they cannot be used, so their expiry breaks nothing.
const expiringWhere = (now: Date, days: number): Prisma.ServiceAccountWhereInput => ({
  disabled: false,
  expiresAt: { gt: now, lte: new Date(now.getTime() + days * DAY_MS) },
});

/**
 * Service accounts in the namespace and below that expire within `days` days and have
 * not expired yet, soonest first. Needs Viewer on the namespace.
 */
export async function expiringSoon(
  actor: Actor | null | undefined,
  namespaceId: string,
  { days = 7, now = new Date() }: { days?: number; now?: Date } = {},
): Promise<ExpiringAccount[]> {
  await authorize(actor, namespaceId, 'viewer');
  const prisma = await getPrisma();
  const all = await namespaceTree();
  const rows = await prisma.serviceAccount.findMany({
    where: { ...expiringWhere(now, days), namespaceId: { in: subtreeIds(all, namespaceId) } },
    orderBy: [{ expiresAt: 'asc' }, { id: 'asc' }],
    take: MAX_LISTED,
    select,
  });
  return rows.map(toDto);
}

// ---- For the expiry webhook job (lib/jobs/expiry-webhook.ts): a system task, no actor. ----

/** Every account, install-wide, expiring within `days` days of `now`, soonest first. */
export async function accountsExpiringForNotice(now: Date, days = 7): Promise<ExpiringAccount[]> {
  const rows = await (await getPrisma()).serviceAccount.findMany({
    where: expiringWhere(now, days),
    orderBy: [{ expiresAt: 'asc' }, { id: 'asc' }],
    select,
  });
  return rows.map(toDto);
}

/** The UTC calendar day of an instant, as the DATE column stores it (midnight UTC). */
export const noticeDay = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/**
 * Reserves today's notice for an account. True for exactly one caller per account and UTC
 * day, whichever instance asks first (the primary key decides, ON CONFLICT DO NOTHING).
 */
export async function claimExpiryNotice(accountId: string, now: Date): Promise<boolean> {
  const { count } = await (await getPrisma()).expiryNotice.createMany({
    data: [{ accountId, day: noticeDay(now) }],
    skipDuplicates: true,
  });
  return count === 1;
}

/** Gives a claimed notice back after a failed send, so the next run tries again. */
export async function releaseExpiryNotice(accountId: string, now: Date): Promise<void> {
  await (await getPrisma()).expiryNotice.deleteMany({ where: { accountId, day: noticeDay(now) } });
}

/** Notices only matter for the day they are for; a month of them is kept for inspection. */
export async function pruneExpiryNotices(now: Date): Promise<number> {
  const { count } = await (await getPrisma()).expiryNotice.deleteMany({
    where: { day: { lt: new Date(noticeDay(now).getTime() - 30 * DAY_MS) } },
  });
  return count;
}
