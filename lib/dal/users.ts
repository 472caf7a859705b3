import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { getPrisma } from '@/lib/db';
import { hashPassword, verifyPassword, DUMMY_HASH } from '@/lib/auth/password';
import { passwordGate, PasswordGateBusy } from '@/lib/auth/password-gate';
import { ACCOUNT_FREE_ATTEMPTS, ADDRESS_FREE_ATTEMPTS, LoginThrottle, type ThrottleKey } from '@/lib/auth/throttle';
import { AppError, conflict, invalid, isUniqueViolation } from '@/lib/dal/errors';
import { consoleUserEntry } from '@/lib/dal/audit';
import { mutate, type Mutation } from '@/lib/dal/mutation';
import type { Actor } from '@/lib/dal/actor';
import type { Tx } from '@/lib/dal/epoch';
import { log } from '@/lib/log';
import { GLOBAL_NAMESPACE_ID } from '@/lib/schemas/namespace';

const slot = globalThis as unknown as { __posternThrottle?: LoginThrottle };
const throttle = (slot.__posternThrottle ??= new LoginThrottle());

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The throttle keys of one attempt: the account, and the trusted client address (null: one shared "unknown" bucket). */
export function throttleKeys(email: string, address: string | null): [ThrottleKey, ThrottleKey] {
  return [
    { key: `acct:${normalizeEmail(email)}`, free: ACCOUNT_FREE_ATTEMPTS },
    { key: `addr:${address ?? 'unknown'}`, free: ADDRESS_FREE_ATTEMPTS },
  ];
}

/** Runs password hashing in the process-wide gate; a full gate is an expected, retryable failure. */
export async function gated<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await passwordGate.run(fn);
  } catch (err) {
    if (err instanceof PasswordGateBusy)
      throw new AppError('unavailable', 'The server is busy checking other passwords. Try again in a moment.');
    throw err;
  }
}

/** Active Admins of Global (a disabled user administers nothing). */
const globalAdminWhere = {
  namespaceId: GLOBAL_NAMESPACE_ID,
  role: 'admin',
  userId: { not: null },
  user: { disabled: false },
} as const;

/** Whether the install has an administrator yet. Users created by SSO before setup do not count. */
export async function adminExists(db?: Pick<Tx, 'grant'>): Promise<boolean> {
  return (await (db ?? (await getPrisma())).grant.count({ where: globalAdminWhere })) > 0;
}

/**
 * Serializes every change that may remove an active Admin of Global, then refuses it when
 * `removingUserId` is the last one. The advisory lock is released at commit; under Read
 * Committed the count after the lock sees every earlier removal.
 */
export async function keepOneGlobalAdmin(tx: Tx, removingUserId: string) {
  await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(4242002)');
  const admins = await tx.grant.findMany({ where: globalAdminWhere, select: { userId: true } });
  if (admins.every((a) => a.userId === removingUserId)) {
    throw conflict('This is the last Admin of Global. Make someone else an Admin of Global first.');
  }
}

/**
 * The actor behind a session, or null when the session no longer holds: the user was
 * deleted or disabled, or the session's version is older than the user's (password
 * changed, forced sign-out). Group grants come only through the user's identity link,
 * and only for the groups an Admin approved that the directory user still has.
 */
export async function actorForSession(userId: string, version: number | undefined): Promise<Actor | null> {
  const prisma = await getPrisma();
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      disabled: true,
      sessionVersion: true,
      link: { select: { approvedGroups: true, directoryUser: { select: { active: true, groups: true } } } },
    },
  });
  if (!user || user.disabled || version !== user.sessionVersion) return null;
  return { userId: user.id, email: user.email, groups: linkedGroups(user.link) };
}

/** The bench seeder (bench/seed.ts) acts as a named administrator, outside any session (no session version to check). */
export async function actorForCli(userId: string): Promise<Actor | null> {
  const user = await (await getPrisma()).user.findUnique({ where: { id: userId }, select: { sessionVersion: true } });
  return user ? actorForSession(userId, user.sessionVersion) : null;
}

export function linkedGroups(
  link: { approvedGroups: string[]; directoryUser: { active: boolean; groups: string[] } } | null,
): string[] {
  if (!link?.directoryUser.active) return [];
  const approved = new Set(link.approvedGroups);
  return link.directoryUser.groups.filter((g) => approved.has(g));
}

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string | null; sessionVersion: number } }
  | { ok: false; reason: 'invalid' | 'throttled' | 'busy'; retryAfterMs?: number };

/**
 * Checks a password. The attempt is counted per account and per trusted client address
 * before the (expensive) check, and the check runs in the process-wide password gate.
 */
export async function authenticate(email: string, password: string, address: string | null): Promise<SignInResult> {
  const keys = throttleKeys(email, address);
  const wait = throttle.attempt(keys);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterMs: wait };
  const prisma = await getPrisma();
  const user = await prisma.user.findUnique({
    where: { email: normalizeEmail(email) },
    select: { id: true, email: true, name: true, passwordHash: true, disabled: true, sessionVersion: true },
  });
  let ok: boolean;
  try {
    // Unknown e-mails cost the same time, so they cannot be told apart from wrong passwords.
    ok = await passwordGate.run(() => verifyPassword(password, user?.passwordHash ?? DUMMY_HASH));
  } catch (err) {
    if (!(err instanceof PasswordGateBusy)) throw err;
    throttle.release(keys);
    return { ok: false, reason: 'busy', retryAfterMs: 1000 };
  }
  // A disabled user is told nothing more than a wrong password would tell.
  if (!ok || !user || user.disabled) {
    log.info({ event: 'sign_in_failed', address }, 'failed sign-in');
    return { ok: false, reason: 'invalid' };
  }
  throttle.succeeded(keys[0].key, keys[1].key);
  await prisma.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() }, select: { id: true } });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion } };
}

// ---- First-run setup ----

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A fresh setup code: 20 characters from 32 (100 bits), grouped for reading off a log. */
function newSetupCode(): string {
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => CODE_ALPHABET[b % 32]).join('');
  return chars.match(/.{5}/g)!.join('-');
}

const canonicalCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

/**
 * At start, while the install has no administrator and none comes from the environment:
 * makes a one-time setup code, keeps its hash and prints it to the log (its one intended
 * log line). The setup page asks for it, so the first visitor is not automatically admin.
 */
export async function issueSetupCode(): Promise<string | null> {
  const prisma = await getPrisma();
  if (await adminExists(prisma)) return null;
  const code = newSetupCode();
  await prisma.setupCode.create({ data: { codeHash: sha256(canonicalCode(code)) } });
  log.warn(
    { event: 'setup_code' },
    `First-run setup code: ${code} (enter it on the /setup page to create the administrator)`,
  );
  return code;
}

/**
 * Creates the first administrator, only while no administrator exists and only with a
 * setup code from the server's log. A lock makes two simultaneous setups create one admin;
 * the codes are deleted with the same commit.
 */
export async function createFirstAdmin(email: string, password: string, code: string): Promise<{ id: string }> {
  const passwordHash = await gated(() => hashPassword(password));
  const address = normalizeEmail(email);
  return mutate(async ({ tx, record }) => {
    await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(4242001)');
    if (await adminExists(tx)) throw conflict('Setup is already done: sign in instead.');
    const found = await tx.setupCode.findUnique({
      where: { codeHash: sha256(canonicalCode(code)) },
      select: { codeHash: true },
    });
    if (!found)
      throw invalid('That setup code is not right.', {
        code: ['This is not the setup code. The server prints the current one to its log at start.'],
      });
    if (await tx.user.findUnique({ where: { email: address }, select: { id: true } })) {
      throw conflict('A single sign-on user already has this email.', {
        email: ['A single sign-on user already has this email. Use another address for the administrator.'],
      });
    }
    const user = await tx.user.create({ data: { email: address, passwordHash, isAdmin: true }, select: { id: true } });
    const grant = await tx.grant.create({
      data: { namespaceId: GLOBAL_NAMESPACE_ID, role: 'admin', userId: user.id },
      select: { id: true },
    });
    await recordFirstAdmin(record, user.id, grant.id, address, 'the setup page');
    await tx.setupCode.deleteMany({});
    log.info({ event: 'setup_done', userId: user.id }, 'created the first administrator on the setup page');
    return user;
  });
}

/** The first administrator in the Change History: made by the system, from the setup page or the environment. */
async function recordFirstAdmin(
  record: Mutation['record'],
  userId: string,
  grantId: string,
  email: string,
  from: string,
) {
  await record('system', consoleUserEntry('create', userId, { after: { email, createdFrom: from } }));
  await record('system', {
    action: 'create',
    entityType: 'grant',
    entityId: grantId,
    namespaceId: GLOBAL_NAMESPACE_ID,
    after: { subjectType: 'user', subject: email, role: 'admin' },
  });
}

/** At start: make sure the administrator named by ADMIN_EMAIL exists. An existing account is left as it is. */
export async function ensureAdminFromEnv(email: string | undefined, password: string | undefined) {
  if (!email || !password) return;
  const prisma = await getPrisma();
  const existing = await prisma.user.findUnique({ where: { email: normalizeEmail(email) }, select: { id: true } });
  if (existing) return;
  const passwordHash = await hashPassword(password);
  await mutate(async ({ tx, record }) => {
    const user = await tx.user.create({
      data: { email: normalizeEmail(email), passwordHash, isAdmin: true },
      select: { id: true },
    });
    const grant = await tx.grant.create({
      data: { namespaceId: GLOBAL_NAMESPACE_ID, role: 'admin', userId: user.id },
      select: { id: true },
    });
    await recordFirstAdmin(record, user.id, grant.id, normalizeEmail(email), 'ADMIN_EMAIL');
  });
  log.info({ email: normalizeEmail(email) }, 'created the administrator from ADMIN_EMAIL');
}

// ---- Single sign-on ----

type SsoUser = { id: string; email: string; name: string | null; sessionVersion: number };
export type SsoUserResult =
  | { ok: true; user: SsoUser; outcome: 'existing' | 'linked' | 'created' }
  | { ok: false; reason: 'email_taken' | 'email_unverified' | 'disabled' };

/**
 * The console user for an SSO identity (`subject` = "<issuer>|<sub>"): the user already
 * carrying that subject; else, when the email can be trusted (the IdP says `email_verified:
 * true`, or the issuer is configured as authoritative for emails), the user with that email,
 * linked now if it has no SSO identity yet, or a new user without password and without grant.
 * An untrusted email never creates nor links a user: otherwise anyone able to set an
 * address at the IdP could take over that console user or inherit grants made by email.
 */
export async function findOrCreateSsoUser(
  subject: string,
  email: string,
  name: string | null,
  emailTrusted: boolean,
): Promise<SsoUserResult> {
  const prisma = await getPrisma();
  const select = { id: true, email: true, name: true, sessionVersion: true, disabled: true } as const;
  const address = normalizeEmail(email);
  const done = async (
    u: SsoUser & { disabled: boolean },
    outcome: 'existing' | 'linked' | 'created',
  ): Promise<SsoUserResult> => {
    if (u.disabled) return { ok: false, reason: 'disabled' };
    await prisma.user.update({ where: { id: u.id }, data: { lastSignInAt: new Date() }, select: { id: true } });
    await linkBySsoSubject(u.id, subject);
    return { ok: true, user: { id: u.id, email: u.email, name: u.name, sessionVersion: u.sessionVersion }, outcome };
  };
  // Two first sign-ins at once race for the unique columns: the loser looks again, once.
  for (let attempt = 0; attempt < 2; attempt++) {
    const linked = await prisma.user.findUnique({ where: { ssoSubject: subject }, select });
    if (linked) return done(linked, 'existing');
    if (!emailTrusted) return { ok: false, reason: 'email_unverified' };
    const byEmail = await prisma.user.findUnique({
      where: { email: address },
      select: { ...select, ssoSubject: true },
    });
    if (byEmail?.ssoSubject) return { ok: false, reason: 'email_taken' };
    try {
      if (byEmail) {
        // Conditional, so that a link made meanwhile to another identity is never overwritten.
        const count = await mutate(async ({ tx, record }) => {
          const r = await tx.user.updateMany({
            where: { id: byEmail.id, ssoSubject: null },
            data: { ssoSubject: subject },
          });
          if (r.count === 1)
            await record(
              'system',
              consoleUserEntry('update', byEmail.id, {
                after: { email: address, signIn: 'sso linked (verified email)' },
              }),
            );
          return r.count;
        });
        if (count === 1) {
          log.info({ event: 'sso_user_linked', userId: byEmail.id }, 'linked an SSO identity to an existing user');
          return done(byEmail, 'linked');
        }
      } else {
        // A unique violation stays the raw error: the loop treats it as a lost race and looks again.
        const user = await mutate(
          async ({ tx, record }) => {
            const u = await tx.user.create({ data: { email: address, name, ssoSubject: subject }, select });
            await record(
              'system',
              consoleUserEntry('create', u.id, { after: { email: address, signIn: 'sso (first sign-in)' } }),
            );
            return u;
          },
          { unique: (err) => err as Error },
        );
        log.info({ event: 'sso_user_created', userId: user.id }, 'created a user on first SSO sign-in');
        return done(user, 'created');
      }
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }
  throw new Error('SSO sign-in raced with another one and did not settle');
}

/**
 * The SSO subject links a console user to the directory user the same IdP provisioned
 * (SCIM `externalId` = the OIDC `sub`), when neither is linked yet. The link carries no
 * approved group: its groups wait for an Admin's approval on the Users page.
 */
async function linkBySsoSubject(userId: string, subject: string) {
  const sub = subject.slice(subject.lastIndexOf('|') + 1);
  const prisma = await getPrisma();
  const candidates = await prisma.directoryUser.findMany({
    where: { source: 'scim', externalId: sub, active: true, link: null },
    select: { id: true },
    take: 2,
  });
  // Ambiguous (two directory users claim the subject): link nothing, an Admin decides.
  if (candidates.length !== 1) return;
  try {
    await mutate(
      async ({ tx, record }) => {
        await tx.identityLink.create({ data: { userId, directoryUserId: candidates[0]!.id, via: 'sso' } });
        await record('system', {
          action: 'create',
          entityType: 'identity_link',
          entityId: userId,
          namespaceId: GLOBAL_NAMESPACE_ID,
          after: { directoryUser: candidates[0]!.id, via: 'sso subject', approvedGroups: [] },
        });
      },
      { unique: (err) => err as Error },
    );
    log.info({ event: 'identity_linked_by_sso', userId }, 'linked a directory identity by SSO subject');
  } catch (err) {
    if (!isUniqueViolation(err)) throw err; // the user or the directory user was linked meanwhile
  }
}
