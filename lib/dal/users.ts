import 'server-only';
import { getPrisma } from '@/lib/db';
import { hashPassword, verifyPassword, DUMMY_HASH } from '@/lib/auth/password';
import { LoginThrottle } from '@/lib/auth/throttle';
import { conflict } from '@/lib/dal/errors';
import type { Actor } from '@/lib/dal/actor';
import { log } from '@/lib/log';

const slot = globalThis as unknown as { __posternThrottle?: LoginThrottle };
const throttle = (slot.__posternThrottle ??= new LoginThrottle());

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function userCount(): Promise<number> {
  return (await getPrisma()).user.count();
}

/** The actor behind a session, or null when the user no longer exists. */
export async function actorForUserId(userId: string): Promise<Actor | null> {
  const user = await (await getPrisma()).user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, isAdmin: true },
  });
  return user ? { userId: user.id, email: user.email, isAdmin: user.isAdmin } : null;
}

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string | null } }
  | { ok: false; reason: 'invalid' | 'throttled'; retryAfterMs?: number };

/** Checks a password; repeated failures per account and per IP are slowed down. */
export async function authenticate(email: string, password: string, ip: string): Promise<SignInResult> {
  const accountKey = `acct:${normalizeEmail(email)}`;
  const keys = [accountKey, `ip:${ip}`];
  const wait = throttle.retryAfter(keys);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterMs: wait };
  const user = await (await getPrisma()).user.findUnique({
    where: { email: normalizeEmail(email) },
    select: { id: true, email: true, name: true, passwordHash: true },
  });
  // Unknown e-mails cost the same time, so they cannot be told apart from wrong passwords.
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!ok || !user) {
    throttle.fail(keys);
    log.info({ event: 'sign_in_failed', ip }, 'failed sign-in');
    return { ok: false, reason: 'invalid' };
  }
  throttle.succeed(accountKey);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}

/**
 * Creates the first administrator, only while no user exists (the one-time setup page
 * and ADMIN_EMAIL/ADMIN_PASSWORD). A lock makes two simultaneous setups create one admin.
 */
export async function createFirstAdmin(email: string, password: string): Promise<{ id: string }> {
  const passwordHash = await hashPassword(password);
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(4242001)');
    if ((await tx.user.count()) > 0) throw conflict('Setup is already done: sign in instead.');
    return tx.user.create({
      data: { email: normalizeEmail(email), passwordHash, isAdmin: true },
      select: { id: true },
    });
  });
}

/** At start: make sure the administrator named by ADMIN_EMAIL exists. An existing account is left as it is. */
export async function ensureAdminFromEnv(email: string | undefined, password: string | undefined) {
  if (!email || !password) return;
  const prisma = await getPrisma();
  const existing = await prisma.user.findUnique({ where: { email: normalizeEmail(email) }, select: { id: true } });
  if (existing) return;
  await prisma.user.create({
    data: { email: normalizeEmail(email), passwordHash: await hashPassword(password), isAdmin: true },
  });
  log.info({ email: normalizeEmail(email) }, 'created the administrator from ADMIN_EMAIL');
}
