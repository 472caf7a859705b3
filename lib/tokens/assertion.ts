// Short-lived identity assertion for the upstream, like Pomerium's
// X-Pomerium-Jwt-Assertion: the upstream checks it against our JWKS and learns who
// is calling without ever seeing the caller's long-lived token.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { SIGNING_ALG } from './keys';
import type { Signer } from './service-account-token';

export const DEFAULT_ASSERTION_TTL_SEC = 300;

export type AssertionInput = {
  signer: Signer;
  issuer: string;
  /** The route's host, or 'postern' when the caller only asked us to verify. */
  audience: string;
  subject: string;
  accountId: string;
  email?: string;
  groups?: string[];
  ttlSec?: number;
  now?: Date;
};

function epochSeconds(now: Date | undefined): number {
  const ms = (now ?? new Date()).getTime();
  if (!Number.isFinite(ms)) throw new RangeError('now is not a valid date');
  return Math.floor(ms / 1000);
}

function checkTtl(ttlSec: number): void {
  if (!Number.isInteger(ttlSec) || ttlSec <= 0) throw new RangeError('ttlSec must be a positive integer');
}

export async function mintAssertion(input: AssertionInput): Promise<string> {
  const ttl = input.ttlSec ?? DEFAULT_ASSERTION_TTL_SEC;
  checkTtl(ttl);
  const iat = epochSeconds(input.now);
  const claims: Record<string, unknown> = { service_account_id: input.accountId };
  if (input.email !== undefined) claims.email = input.email;
  if (input.groups !== undefined) claims.groups = [...input.groups];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: SIGNING_ALG, kid: input.signer.kid, typ: 'JWT' })
    .setIssuer(input.issuer)
    .setAudience(input.audience)
    .setSubject(input.subject)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + ttl)
    .sign(input.signer.key);
}

type Entry = { token: Promise<string>; fingerprint: string; iat: number; ttl: number };

/**
 * Reuses an assertion while more than half its lifetime remains, so the hot verify
 * path signs at most about once per account, audience and key every ttl/2. The
 * in-flight promise is cached, so concurrent requests share one signature.
 */
export class AssertionCache {
  private readonly cache: LRUCache<string, Entry>;

  constructor(opts: { max?: number } = {}) {
    this.cache = new LRUCache<string, Entry>({ max: opts.max ?? 10_000 });
  }

  async get(input: AssertionInput): Promise<string> {
    const ttl = input.ttlSec ?? DEFAULT_ASSERTION_TTL_SEC;
    checkTtl(ttl);
    const now = epochSeconds(input.now);
    const key = JSON.stringify([input.accountId, input.audience, input.signer.kid]);
    // Identity fields are part of the match: changed groups or email must not be
    // served stale for the rest of the cached assertion's life.
    const fingerprint = JSON.stringify([input.issuer, input.subject, input.email ?? null, input.groups ?? null, ttl]);

    const hit = this.cache.get(key);
    if (
      hit &&
      hit.fingerprint === fingerprint &&
      now >= hit.iat && // a clock that stepped back would otherwise reuse a not-yet-valid token
      (hit.iat + hit.ttl - now) * 2 > hit.ttl
    ) {
      return hit.token;
    }

    const token = mintAssertion({ ...input, ttlSec: ttl, now: new Date(now * 1000) });
    const entry: Entry = { token, fingerprint, iat: now, ttl };
    this.cache.set(key, entry);
    token.catch(() => {
      if (this.cache.peek(key) === entry) this.cache.delete(key);
    });
    return token;
  }

  clear(): void {
    this.cache.clear();
  }

  get size(): number {
    return this.cache.size;
  }
}
