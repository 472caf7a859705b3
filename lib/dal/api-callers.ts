import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { hashCredential } from '@/lib/dal/credentials';
import { linkedGroups } from '@/lib/dal/users';
import { ADDRESS_FREE_ATTEMPTS, LoginThrottle, type ThrottleKey } from '@/lib/auth/throttle';
import { looksLikeCompactJws, MAX_TOKEN_LENGTH } from '@/lib/tokens/extract';
import { verifyEngine } from '@/lib/verify/console';
import { API_KEY_PREFIX } from '@/lib/schemas/api-key';
import type { Role } from '@/lib/dal/authz';
import { log } from '@/lib/log';

// The REST API's callers (lib/api): `Authorization: Bearer <credential>` becomes the Actor
// that authorize() judges. A personal API key acts as its owner with every role capped at
// the key's cap; a service account's JWT is checked exactly as the verify path checks it
// and acts with the roles granted to the account. Session cookies are never read here.

export type ApiCaller =
  | { ok: true; actor: Actor }
  | { ok: false; status: 401; detail: string }
  | { ok: false; status: 403; detail: string }
  | { ok: false; status: 429; retryAfterMs: number }
  | { ok: false; status: 503; detail: string };

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Failed attempts per client address: after ADDRESS_FREE_ATTEMPTS within 15 minutes each
 * further one waits 1 s, 2 s, 4 s … (as sign-in does). Only failures count, so a busy
 * pipeline with a valid key is never slowed. In memory: one instance's view.
 */
const throttle = new LoginThrottle();
const keysFor = (address: string | null): ThrottleKey[] => [
  { key: `api:${address ?? 'unknown'}`, free: ADDRESS_FREE_ATTEMPTS },
];

/** The credential of `Authorization: Bearer <credential>` (JWTs are long: up to the verify path's limit). */
function bearer(authorization: string | null): string | null {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  const credential = m?.[1];
  if (!credential || credential.length > MAX_TOKEN_LENGTH) return null;
  // Pomerium's own spelling of a service-account token in a Bearer header.
  return credential.startsWith('Pomerium-') ? credential.slice('Pomerium-'.length) : credential;
}

const refused = (detail: string): ApiCaller => ({ ok: false, status: 401, detail });
const INVALID = 'The API key or token is missing, invalid, expired or revoked.';

/** The caller behind the Authorization header, or why there is none. Never logs the credential. */
export async function authenticateApiCaller(authorization: string | null, address: string | null): Promise<ApiCaller> {
  const keys = keysFor(address);
  const wait = throttle.pending(keys);
  if (wait > 0) return { ok: false, status: 429, retryAfterMs: wait };
  const credential = bearer(authorization);
  const result = !credential
    ? refused('Send Authorization: Bearer <API key or service-account token>.')
    : credential.startsWith(API_KEY_PREFIX)
      ? await fromApiKey(credential, address)
      : looksLikeCompactJws(credential)
        ? await fromServiceAccountToken(credential, address)
        : refused(INVALID);
  if (!result.ok && result.status === 401 && credential) {
    throttle.attempt(keys);
    log.info({ event: 'api_auth_failed', address }, 'REST API: credential refused');
  }
  return result;
}

async function fromApiKey(key: string, address: string | null): Promise<ApiCaller> {
  const prisma = await getPrisma();
  const row = await prisma.apiKey.findUnique({
    where: { keyHash: hashCredential(key) },
    select: {
      id: true,
      name: true,
      roleCap: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      user: {
        select: {
          id: true,
          email: true,
          disabled: true,
          link: { select: { approvedGroups: true, directoryUser: { select: { active: true, groups: true } } } },
        },
      },
    },
  });
  const now = Date.now();
  // A disabled owner's keys stop with their sessions.
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now) || row.user.disabled)
    return refused(INVALID);
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // Best effort, at most once a minute per key: a failed timestamp write must not fail the call.
    await prisma.apiKey
      .updateMany({ where: { id: row.id, revokedAt: null }, data: { lastUsedAt: new Date(now) } })
      .catch((err: unknown) => log.warn({ err: (err as Error)?.message }, 'could not record API key use'));
  }
  return {
    ok: true,
    actor: {
      userId: row.user.id,
      email: row.user.email,
      groups: linkedGroups(row.user.link),
      address,
      apiKey: { id: row.id, name: row.name, roleCap: row.roleCap as Role },
    },
  };
}

async function fromServiceAccountToken(token: string, address: string | null): Promise<ApiCaller> {
  // The verify path's own checks: signature, audience, expiry, revocation, suspension, rotation.
  const check = await verifyEngine.check((name) => (name === 'authorization' ? `Pomerium ${token}` : null));
  if (!check.ok) {
    if (check.status === 503) return { ok: false, status: 503, detail: 'Tokens cannot be checked right now.' };
    return refused(INVALID);
  }
  const { account, claims } = check.identity;
  const grants = await (await getPrisma()).grant.count({ where: { serviceAccountId: account.id } });
  if (!grants)
    return {
      ok: false,
      status: 403,
      detail: 'This service account has no console role. An Admin can grant it one on its namespace.',
    };
  return {
    ok: true,
    actor: {
      userId: account.id,
      email: `service-account:${claims.sub}`,
      groups: [],
      address,
      serviceAccount: { id: account.id, userId: claims.sub },
    },
  };
}
