import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Role } from '@/lib/dal/authz';
import { namespaceTree, pathTo } from '@/lib/dal/namespaces';
import { linkedGroups } from '@/lib/dal/users';

// For the expiry email job (lib/jobs/expiry-email.ts): a system task, no actor.

/** Roles that receive expiry emails: those who can replace the account. */
const NOTIFIED: Role[] = ['manager', 'admin'];
/** A claim not marked sent after this long belongs to an instance that died mid-send: it may be taken over. */
export const STALE_CLAIM_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

/**
 * The console users to tell about an account in this namespace: every enabled user who is
 * Manager or Admin of it through the role model (a grant to them or to one of their
 * approved, linked directory groups, on the namespace or an ancestor, Global included).
 * Lower-cased emails, sorted.
 */
export async function noticeRecipients(namespaceId: string): Promise<string[]> {
  const prisma = await getPrisma();
  const chain = pathTo(await namespaceTree(), namespaceId).map((n) => n.id);
  if (!chain.length) return [];
  const grants = await prisma.grant.findMany({
    where: { namespaceId: { in: chain }, role: { in: NOTIFIED } },
    select: { userId: true, groupName: true },
  });
  const userIds = grants.flatMap((g) => (g.userId ? [g.userId] : []));
  const groups = new Set(grants.flatMap((g) => (g.groupName ? [g.groupName] : [])));
  const users = await prisma.user.findMany({
    where: {
      disabled: false,
      OR: [
        { id: { in: userIds } },
        ...(groups.size ? [{ link: { is: { approvedGroups: { hasSome: [...groups] } } } }] : []),
      ],
    },
    select: {
      id: true,
      email: true,
      link: { select: { approvedGroups: true, directoryUser: { select: { active: true, groups: true } } } },
    },
  });
  const direct = new Set(userIds);
  return users
    .filter((u) => direct.has(u.id) || linkedGroups(u.link).some((g) => groups.has(g)))
    .map((u) => u.email)
    .sort();
}

/** The namespace's place in the tree, for the email: "Global / Prod / Payments". */
export async function namespacePath(namespaceId: string): Promise<string> {
  return pathTo(await namespaceTree(), namespaceId)
    .map((n) => n.name)
    .join(' / ');
}

interface EmailKey {
  accountId: string;
  threshold: number;
  expiresAt: Date;
}

/**
 * Reserves the email for an account, threshold and expiry: true for exactly one caller,
 * whichever instance asks first (the primary key decides; a concurrent insert waits for
 * the other and then finds its row). A claim left unsent for STALE_CLAIM_MS (its
 * instance died mid-send) is taken over, in the same statement.
 */
export async function claimExpiryEmail(k: EmailKey, now: Date): Promise<boolean> {
  const rows = await (await getPrisma()).$queryRaw<{ account_id: string }[]>`
    INSERT INTO expiry_emails AS e (account_id, threshold, expires_at, claimed_at)
    VALUES (${k.accountId}::uuid, ${k.threshold}, ${k.expiresAt}, ${now})
    ON CONFLICT (account_id, threshold, expires_at) DO UPDATE SET claimed_at = EXCLUDED.claimed_at
      WHERE e.sent_at IS NULL AND e.claimed_at < ${new Date(now.getTime() - STALE_CLAIM_MS)}
    RETURNING e.account_id::text AS account_id`;
  return rows.length === 1;
}

/** The email went out: the claim is kept for good, so it is never sent again. */
export async function markExpiryEmailSent(k: EmailKey, now: Date): Promise<void> {
  await (await getPrisma()).expiryEmail.updateMany({
    where: { accountId: k.accountId, threshold: k.threshold, expiresAt: k.expiresAt },
    data: { sentAt: now },
  });
}

/** Gives a claim back after a failed send, so the next run tries again. */
export async function releaseExpiryEmail(k: EmailKey): Promise<void> {
  await (await getPrisma()).expiryEmail.deleteMany({
    where: { accountId: k.accountId, threshold: k.threshold, expiresAt: k.expiresAt, sentAt: null },
  });
}

/** Claims matter until their expiry has passed; a month after it they go. */
export async function pruneExpiryEmails(now: Date): Promise<number> {
  const { count } = await (await getPrisma()).expiryEmail.deleteMany({
    where: { expiresAt: { lt: new Date(now.getTime() - 30 * DAY_MS) } },
  });
  return count;
}
