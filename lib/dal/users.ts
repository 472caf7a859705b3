import 'server-only';
import { getPrisma } from '@/lib/db';
import { hashPassword, verifyPassword, DUMMY_HASH } from '@/lib/auth/password';
import { LoginThrottle } from '@/lib/auth/throttle';
import { conflict, isUniqueViolation } from '@/lib/dal/errors';
import type { Actor } from '@/lib/dal/actor';
import { log } from '@/lib/log';
import { GLOBAL_NAMESPACE_ID } from '@/lib/schemas/namespace';

const slot = globalThis as unknown as { __posternThrottle?: LoginThrottle };
const throttle = (slot.__posternThrottle ??= new LoginThrottle());

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function userCount(): Promise<number> {
  return (await getPrisma()).user.count();
}

/** The actor behind a session, or null when the user no longer exists. */
export async function actorForUserId(userId: string): Promise<Actor | null> {
  const prisma = await getPrisma();
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { id: true, email: true } });
  if (!user) return null;
  // Group grants apply through the directory user with the same email (manual or SCIM).
  const dir = await prisma.directoryUser.findFirst({
    where: { email: { equals: user.email, mode: 'insensitive' }, active: true },
    select: { groups: true },
  });
  return { userId: user.id, email: user.email, groups: dir?.groups ?? [] };
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
    const user = await tx.user.create({
      data: { email: normalizeEmail(email), passwordHash, isAdmin: true },
      select: { id: true },
    });
    await tx.grant.create({ data: { namespaceId: GLOBAL_NAMESPACE_ID, role: 'admin', userId: user.id } });
    return user;
  });
}

/** At start: make sure the administrator named by ADMIN_EMAIL exists. An existing account is left as it is. */
export async function ensureAdminFromEnv(email: string | undefined, password: string | undefined) {
  if (!email || !password) return;
  const prisma = await getPrisma();
  const existing = await prisma.user.findUnique({ where: { email: normalizeEmail(email) }, select: { id: true } });
  if (existing) return;
  const passwordHash = await hashPassword(password);
  await prisma.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email: normalizeEmail(email), passwordHash, isAdmin: true }, select: { id: true } });
    await tx.grant.create({ data: { namespaceId: GLOBAL_NAMESPACE_ID, role: 'admin', userId: user.id } });
  });
  log.info({ email: normalizeEmail(email) }, 'created the administrator from ADMIN_EMAIL');
}

export type SsoUserResult =
  | { ok: true; user: { id: string; email: string; name: string | null }; outcome: 'existing' | 'linked' | 'created' }
  | { ok: false; reason: 'email_taken' };

/**
 * The console user for an SSO identity (`subject` = "<issuer>|<sub>"): the user already linked
 * to it; else the user with that email, linked now if no SSO identity is linked to it yet; else a
 * new user without password and without grant (no role until an administrator gives one).
 * The caller has checked that the identity provider vouches for the email.
 */
/**
 * An existing account is linked by email only when the IdP says it verified that email:
 * otherwise anyone able to set an address at the IdP could take over that console user.
 */
export async function findOrCreateSsoUser(subject: string, email: string, name: string | null, emailVerified = false): Promise<SsoUserResult> {
  const prisma = await getPrisma();
  const select = { id: true, email: true, name: true } as const;
  const address = normalizeEmail(email);
  // Two first sign-ins at once race for the unique columns: the loser looks again, once.
  for (let attempt = 0; attempt < 2; attempt++) {
    const linked = await prisma.user.findUnique({ where: { ssoSubject: subject }, select });
    if (linked) return { ok: true, user: linked, outcome: 'existing' };
    const byEmail = await prisma.user.findUnique({ where: { email: address }, select: { ...select, ssoSubject: true } });
    if (byEmail?.ssoSubject || (byEmail && !emailVerified)) return { ok: false, reason: 'email_taken' };
    try {
      if (byEmail) {
        // Conditional, so that a link made meanwhile to another identity is never overwritten.
        const { count } = await prisma.user.updateMany({ where: { id: byEmail.id, ssoSubject: null }, data: { ssoSubject: subject } });
        if (count === 1) {
          log.info({ event: 'sso_user_linked', userId: byEmail.id }, 'linked an SSO identity to an existing user');
          return { ok: true, user: { id: byEmail.id, email: byEmail.email, name: byEmail.name }, outcome: 'linked' };
        }
      } else {
        const user = await prisma.user.create({ data: { email: address, name, ssoSubject: subject }, select });
        log.info({ event: 'sso_user_created', userId: user.id }, 'created a user on first SSO sign-in');
        return { ok: true, user, outcome: 'created' };
      }
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }
  throw new Error('SSO sign-in raced with another one and did not settle');
}
