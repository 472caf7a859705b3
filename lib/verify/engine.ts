import 'server-only';
import { LRUCache } from 'lru-cache';
import { config } from '@/lib/config';
import { log } from '@/lib/log';
import * as defaultStore from '@/lib/dal/verify-store';
import type { AccountState, RouteTableData } from '@/lib/dal/verify-store';
import { RouteTable } from '@/lib/verify/route-table';
import { AssertionCache, extractToken, verifyServiceAccountToken, type ServiceAccountClaims } from '@/lib/tokens';
import { getSigner, getVerifyKeys } from '@/lib/verify/keys';
import { changed, onChange } from '@/lib/verify/invalidate';

export type TokenError = 'missing_token' | 'invalid_token' | 'expired' | 'revoked' | 'disabled';
export interface Identity {
  account: AccountState;
  claims: ServiceAccountClaims;
}
export type TokenCheck =
  | { ok: true; identity: Identity }
  | { ok: false; status: 401; error: TokenError }
  | { ok: false; status: 503; error: 'unavailable' };

const POLL_MS = 1000;
/** Cached answers are trusted only while the epoch poll succeeded this recently. */
const FRESH_MS = 5000;
const ACCESS_FLUSH_MS = 10_000;

export class Unavailable extends Error {}

/** Where the engine reads from: the database by default. */
export interface VerifyStore {
  loadAccountState(id: string): Promise<AccountState | null>;
  loadRouteTable(): Promise<RouteTableData>;
  readEpoch(): Promise<bigint>;
  recordAccessed(ids: string[], at: Date): Promise<void>;
}

/**
 * The verify path's memory: verified tokens, account state and signing keys, so a valid
 * token costs no database round trip. Local changes clear it at once (invalidate.ts);
 * changes made by other instances arrive through the epoch poll. When the poll cannot
 * reach the database for FRESH_MS, the engine stops answering from memory: fail closed.
 */
export class VerifyEngine {
  private tokens = new LRUCache<string, ServiceAccountClaims>({ max: 20_000 });
  private accounts = new LRUCache<string, AccountState | false>({ max: 50_000, ttl: 5 * 60_000 });
  readonly assertions = new AssertionCache();
  private epoch: bigint | null = null;
  private lastPollOk = 0;
  private started: Promise<void> | null = null;
  private accessed = new Set<string>();
  private routeTable: Promise<RouteTable> | null = null;
  /**
   * Moves on every clear(). A load that started before an invalidation may carry the
   * state from before it (a revoked account still active): its result is not cached.
   */
  private generation = 0;

  constructor(private readonly store: VerifyStore = defaultStore) {
    onChange(() => this.clear());
  }

  clear() {
    this.generation++;
    this.tokens.clear();
    this.accounts.clear();
    this.assertions.clear();
    this.routeTable = null;
  }

  /** Routes and their compiled policies; loaded once, rebuilt after any change. */
  async routes(): Promise<RouteTable> {
    await this.ensureFresh();
    if (!this.routeTable) {
      const loading = this.store.loadRouteTable().then((data) => new RouteTable(data));
      this.routeTable = loading;
      loading.catch(() => {
        if (this.routeTable === loading) this.routeTable = null;
      });
    }
    return this.routeTable;
  }

  private async ensureFresh(): Promise<void> {
    if (!this.started || !this.fresh()) {
      await this.start();
      if (!this.fresh()) throw new Unavailable('cache freshness unknown: database unreachable');
    }
  }

  private async poll(): Promise<void> {
    const version = await this.store.readEpoch();
    if (this.epoch !== null && version !== this.epoch) {
      this.epoch = version;
      changed();
    }
    this.epoch = version;
    this.lastPollOk = Date.now();
  }

  private loop = () => {
    this.poll()
      .catch((err: unknown) => log.warn({ err: (err as Error)?.message }, 'verify cache: epoch poll failed'))
      .finally(() => setTimeout(this.loop, POLL_MS).unref());
  };

  private start(): Promise<void> {
    return (this.started ??= this.poll().then(
      () => {
        setTimeout(this.loop, POLL_MS).unref();
        setInterval(() => void this.flushAccessed(), ACCESS_FLUSH_MS).unref();
      },
      (err) => {
        this.started = null;
        throw err;
      },
    ));
  }

  private fresh(): boolean {
    return Date.now() - this.lastPollOk < FRESH_MS;
  }

  private async account(id: string): Promise<AccountState | false> {
    const hit = this.accounts.get(id);
    if (hit !== undefined) return hit;
    let gen = this.generation;
    let state = (await this.store.loadAccountState(id)) ?? false;
    if (gen !== this.generation) {
      // Invalidated while loading (say, a revoke committed meanwhile): load again. This
      // load started after the invalidation, so it sees every change made before it.
      gen = this.generation;
      state = (await this.store.loadAccountState(id)) ?? false;
    }
    if (gen === this.generation) this.accounts.set(id, state);
    return state;
  }

  /** Token checks shared by every caller: signature, expiry, revocation, suspension. */
  async check(get: (name: string) => string | null | undefined, now = Date.now()): Promise<TokenCheck> {
    const found = extractToken(get);
    if (!found.ok) return { ok: false, status: 401, error: found.error };
    try {
      await this.ensureFresh();
      let claims = this.tokens.get(found.token);
      if (!claims) {
        const gen = this.generation;
        const keys = await getVerifyKeys();
        const result = await verifyServiceAccountToken(found.token, {
          getKey: (kid) => keys.get(kid),
          audience: config.tokenAudience,
          now: new Date(now),
        });
        if (!result.ok) return { ok: false, status: 401, error: result.error };
        claims = result.claims;
        // Verified with keys read before an invalidation (a key retired meanwhile): not cached.
        if (gen === this.generation) this.tokens.set(found.token, claims);
      }
      if (claims.exp !== undefined && claims.exp * 1000 <= now) return { ok: false, status: 401, error: 'expired' };
      const account = await this.account(claims.jti);
      if (!account) return { ok: false, status: 401, error: 'revoked' };
      if (account.userId !== claims.sub) return { ok: false, status: 401, error: 'invalid_token' };
      if (account.disabled) return { ok: false, status: 401, error: 'disabled' };
      if (account.expiresAt !== null && account.expiresAt <= now) return { ok: false, status: 401, error: 'expired' };
      this.accessed.add(account.id);
      return { ok: true, identity: { account, claims } };
    } catch (err) {
      log.warn({ err: (err as Error)?.message }, 'verify: cannot decide, failing closed');
      return { ok: false, status: 503, error: 'unavailable' };
    }
  }

  /** Short-lived assertion for the upstream; reused while more than half its life remains. */
  async assertion(identity: Identity, audience: string): Promise<string> {
    const { account } = identity;
    return this.assertions.get({
      signer: await getSigner(),
      issuer: config.publicUrl,
      audience,
      subject: account.userId,
      accountId: account.id,
      email: account.email ?? undefined,
      groups: account.groups.length ? account.groups : undefined,
    });
  }

  async flushAccessed(): Promise<void> {
    if (!this.accessed.size) return;
    const ids = [...this.accessed];
    this.accessed.clear();
    await this.store.recordAccessed(ids, new Date()).catch((err: unknown) => {
      for (const id of ids) this.accessed.add(id);
      log.warn({ err: (err as Error)?.message }, 'could not record service-account access; will retry');
    });
  }
}

const slot = globalThis as unknown as { __posternVerify?: VerifyEngine };
export const verifyEngine = (slot.__posternVerify ??= new VerifyEngine());
