// The verify path's memory, shared by the console's route handlers and the verifier: no
// framework and no database here, only a store to read from (lib/verify/types.ts).
import { decodeProtectedHeader } from 'jose';
import { LRUCache } from 'lru-cache';
import {
  AssertionCache,
  extractToken,
  tokenGeneration,
  verifyServiceAccountToken,
  type ServiceAccountClaims,
  type Signer,
} from '@/lib/tokens';
import { RouteTable, type CompiledRoute } from '@/lib/verify/route-table';
import { ExternalTrust, issuerOf } from '@/lib/verify/external';
import { matchTrustRules } from '@/lib/federation/match-rules';
import type { UrlPolicy } from '@/lib/federation/external-token';
import { onChange } from '@/lib/verify/invalidate';
import { generationAccepted } from '@/lib/verify/generation';
import { UsageMeter } from '@/lib/verify/usage';
import type { AccountState, ChangeScope, EngineLog, VerifyStore } from '@/lib/verify/types';

export type { EngineLog };

export type TokenError = 'missing_token' | 'invalid_token' | 'expired' | 'revoked' | 'disabled';
export interface Identity {
  account: AccountState;
  claims: ServiceAccountClaims;
}
export type TokenCheck =
  | { ok: true; identity: Identity }
  | { ok: false; status: 401; error: TokenError }
  | { ok: false; status: 503; error: 'unavailable' };

export class Unavailable extends Error {}

/** How the engine knows its memory is current: an epoch poll (console) or a live feed (verifier). */
export interface Freshness {
  /** True while what the engine remembers is known to be current. */
  fresh(): boolean;
  /** Called when not fresh: (re)starts the feed; resolves when it has run once, rejects when it cannot. */
  start(): Promise<void>;
  /** When fresh() turns false unless the feed speaks again (epoch ms); null while not fresh. */
  staleAt?(): number | null;
}

export interface EngineOptions {
  store: VerifyStore;
  freshness: Freshness;
  /** `iss` of the assertions for upstreams: the console's public URL (a verifier learns it from the snapshot). */
  issuer: () => string;
  /** `aud` of service-account tokens. */
  audience: string;
  log: EngineLog;
  /** How often the ids of accounts that were used are handed to the store. */
  accessFlushMs?: number;
  /** Which issuer URLs external tokens may name (FEDERATION_ALLOW_HTTP_LOCALHOST); default: https only. */
  externalTokens?: UrlPolicy;
}

/** A load shared by concurrent callers and kept until cleared; a failed one is forgotten so the next call tries again. */
class Memo<T> {
  private p: Promise<T> | null = null;
  /** The loaded value, once the load resolved (and until cleared). */
  private value: T | undefined = undefined;
  constructor(private readonly load: () => Promise<T>) {}
  get(): Promise<T> {
    if (!this.p) {
      const p = this.load();
      this.p = p;
      p.then(
        (v) => {
          if (this.p === p) this.value = v;
        },
        () => {
          if (this.p === p) this.p = null;
        },
      );
    }
    return this.p;
  }
  /** The value if it is loaded, without a promise: the hot path's way in. */
  peek(): T | undefined {
    return this.value;
  }
  clear(): void {
    this.p = null;
    this.value = undefined;
  }
}

const ANSWER_REUSE_MS = 10_000;

/**
 * Verified tokens, account state, routes and signing keys, so a valid token costs no
 * round trip to the store. A change clears what it made stale (`changed(scope)`, see
 * invalidate.ts) at once; when freshness is unknown the engine stops answering from
 * memory: fail closed.
 */
export class VerifyEngine {
  private tokens = new LRUCache<string, ServiceAccountClaims>({ max: 20_000 });
  private accounts = new LRUCache<string, AccountState | false>({ max: 50_000, ttl: 5 * 60_000 });
  readonly assertions = new AssertionCache();
  /** Cache lookups since start, for metrics (lib/observe/metrics.ts). */
  readonly stats = {
    tokenHits: 0,
    tokenMisses: 0,
    accountHits: 0,
    accountMisses: 0,
    decisionHits: 0,
    decisionMisses: 0,
  };
  private accessed = new Set<string>();
  /** Requests per account, hour and route; written with `accessed` (lib/verify/usage.ts). */
  readonly usage = new UsageMeter();
  /** Finished allow answers per account state and audience (see `allowAnswer`). */
  private answers = new WeakMap<AccountState, Map<string, { until: number; answer: Promise<unknown> }>>();
  private readonly routeTable = new Memo(() =>
    this.options.store.loadRouteTable().then((data) => new RouteTable(data, this.options.log, this.stats)),
  );
  private readonly federation = new Memo(() =>
    this.options.store.loadFederation().then((data) => new ExternalTrust(data)),
  );
  private readonly signer = new Memo(() => this.options.store.loadSigner());
  private readonly verifyKeys = new Memo(() => this.options.store.loadVerifyKeys());
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;
  /**
   * Moves on every clear(). A load that started before an invalidation may carry the
   * state from before it (a revoked account still active): its result is not cached.
   */
  private generation = 0;

  constructor(private readonly options: EngineOptions) {
    this.unsubscribe = onChange((scope) => this.clear(scope));
  }

  get audience(): string {
    return this.options.audience;
  }

  clear(scope: ChangeScope = 'all') {
    this.generation++;
    this.answers = new WeakMap();
    if (scope === 'accounts' || scope === 'all') {
      this.accounts.clear();
      this.assertions.clear(); // they carry email and groups
    }
    if (scope === 'keys' || scope === 'all') {
      this.tokens.clear(); // verified with keys that may be retired now
      this.assertions.clear();
      this.signer.clear();
      this.verifyKeys.clear();
    }
    if (scope === 'routes' || scope === 'all') this.routeTable.clear();
    // Issuers and rules move with 'routes' (lib/dal/mutation.ts); a deleted account takes its rules along.
    if (scope === 'routes' || scope === 'accounts' || scope === 'all') this.federation.clear();
  }

  /** Stops listening for changes and flushing (tests, a verifier shutting down). */
  close(): void {
    this.unsubscribe();
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = null;
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = null;
    this.staleTimerAt = null;
  }

  /** Routes and their compiled policies; loaded once, rebuilt after a route change. */
  async routes(): Promise<RouteTable> {
    await this.ensureFresh();
    return this.routeTable.get();
  }

  /**
   * The route table when it is in memory and the state is fresh, else undefined (then
   * `routes()`): a cached decision allocates no promise for it.
   */
  routesNow(): RouteTable | undefined {
    return this.freshNow() ? this.routeTable.peek() : undefined;
  }

  /** The key new tokens and assertions are signed with. */
  activeSigner(): Promise<Signer> {
    return this.signer.get();
  }

  /**
   * `decision`, or Unavailable if it is still waiting when the memory turns stale. A decision
   * that needs the store (a token or account not in memory, a route table to rebuild) must
   * not wait on a stalled database past the freshness it started under: it answers 503 then,
   * rather than hang until the driver gives up (and the proxy in front with its own 5xx).
   */
  beforeStale<T>(decision: Promise<T>): Promise<T> {
    const at = this.options.freshness.staleAt?.() ?? null;
    if (at === null) return decision; // not fresh: ensureFresh() answers at once, or polls once (cold start)
    return new Promise<T>((resolve, reject) => {
      const cut = () => reject(new Unavailable('the state went stale while waiting for the store'));
      this.waiting.set(cut, at);
      // One timer for every decision in flight, not one each: arming and clearing a timer
      // per request cost more than a cached decision's own work.
      if (this.staleTimerAt === null || at < this.staleTimerAt) this.armStaleTimer(at);
      decision.then(
        (value) => {
          this.waiting.delete(cut);
          resolve(value);
        },
        (err: unknown) => {
          this.waiting.delete(cut);
          reject(err);
        },
      );
    });
  }

  /** Decisions in flight, each with the moment its memory turns stale. */
  private readonly waiting = new Map<() => void, number>();
  private staleTimer: NodeJS.Timeout | null = null;
  private staleTimerAt: number | null = null;

  private armStaleTimer(at: number): void {
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimerAt = at;
    this.staleTimer = setTimeout(() => this.cutStale(), Math.max(0, at - Date.now()));
    this.staleTimer.unref();
  }

  /** Answers 503 for every decision still waiting past its deadline; waits on for the rest. */
  private cutStale(): void {
    this.staleTimer = null;
    this.staleTimerAt = null;
    const now = Date.now();
    let next = Infinity;
    for (const [cut, at] of this.waiting) {
      if (at <= now) {
        this.waiting.delete(cut);
        cut();
      } else if (at < next) next = at;
    }
    if (next !== Infinity) this.armStaleTimer(next);
  }

  /**
   * Whether decisions may be answered from memory right now, with no promise. Starts the
   * usage flush on the first decision, whatever the freshness: a verifier is fresh from
   * its snapshot on.
   */
  private freshNow(): boolean {
    this.flushTimer ??= setInterval(() => void this.flushAccessed(), this.options.accessFlushMs ?? 10_000).unref();
    return this.options.freshness.fresh();
  }

  private async ensureFresh(): Promise<void> {
    if (this.freshNow()) return;
    const { freshness } = this.options;
    await freshness.start();
    if (!freshness.fresh()) throw new Unavailable('cannot tell whether the cached state is current');
  }

  /** The account's state if it is in memory (false: known not to exist), else undefined. */
  private cachedAccount(id: string): AccountState | false | undefined {
    const hit = this.accounts.get(id);
    if (hit !== undefined) this.stats.accountHits++;
    return hit;
  }

  /** An account that was not in memory, read from the store and kept unless a change raced the read. */
  private async loadAccount(id: string): Promise<AccountState | false> {
    this.stats.accountMisses++;
    const { store } = this.options;
    let gen = this.generation;
    let state = (await store.loadAccountState(id)) ?? false;
    if (gen !== this.generation) {
      // Invalidated while loading (say, a revoke committed meanwhile): load again. This
      // load started after the invalidation, so it sees every change made before it.
      gen = this.generation;
      state = (await store.loadAccountState(id)) ?? false;
    }
    if (gen === this.generation) this.accounts.set(id, state);
    return state;
  }

  /** Token checks shared by every caller: signature, expiry, revocation, suspension, generation. */
  async check(get: (name: string) => string | null | undefined, now = Date.now()): Promise<TokenCheck> {
    const found = extractToken(get);
    if (!found.ok) return { ok: false, status: 401, error: found.error };
    try {
      if (!this.freshNow()) await this.ensureFresh();
      let claims = this.tokens.get(found.token);
      if (claims) this.stats.tokenHits++;
      else {
        this.stats.tokenMisses++;
        const gen = this.generation;
        const keys = await this.verifyKeys.get();
        const result = await verifyServiceAccountToken(found.token, {
          getKey: (kid) => keys.get(kid),
          audience: this.options.audience,
          now: new Date(now),
        });
        if (!result.ok) return { ok: false, status: 401, error: result.error };
        claims = result.claims;
        // Verified with keys read before an invalidation (a key retired meanwhile): not cached.
        if (gen === this.generation) this.tokens.set(found.token, claims);
      }
      if (claims.exp !== undefined && claims.exp * 1000 <= now) return { ok: false, status: 401, error: 'expired' };
      // A cached account costs no promise (the hot path); only a miss awaits the store.
      const account = this.cachedAccount(claims.jti) ?? (await this.loadAccount(claims.jti));
      if (!account) return { ok: false, status: 401, error: 'revoked' };
      if (account.userId !== claims.sub) return { ok: false, status: 401, error: 'invalid_token' };
      if (account.disabled) return { ok: false, status: 401, error: 'disabled' };
      if (account.expiresAt !== null && account.expiresAt <= now) return { ok: false, status: 401, error: 'expired' };
      // Replaced by a rotation (and past its grace, if any): the account lives on, this token does not.
      if (!generationAccepted(account, tokenGeneration(claims), now))
        return { ok: false, status: 401, error: 'revoked' };
      this.accessed.add(account.id);
      return { ok: true, identity: { account, claims } };
    } catch (err) {
      this.options.log.warn({ err: (err as Error)?.message }, 'verify: cannot decide, failing closed');
      return { ok: false, status: 503, error: 'unavailable' };
    }
  }

  /**
   * A token check() refused as invalid_token, presented on a route that accepts external
   * tokens: a CI platform's token becomes the one service account in the route's scope
   * whose trust rule it meets, verified as the exchange verifies it. null when the token is
   * ours after all (it names this console as issuer, or is signed under one of our kids):
   * check()'s refusal stands. Every refusal of the external token itself (unknown issuer,
   * audience, expiry, signature, no rule, rules of several accounts) is invalid_token;
   * the account's state is judged as for its own token; unfetchable issuer keys are 503.
   */
  async checkExternal(
    get: (name: string) => string | null | undefined,
    route: CompiledRoute,
    now = Date.now(),
  ): Promise<TokenCheck | null> {
    const found = extractToken(get);
    if (!found.ok) return null;
    const refused: TokenCheck = { ok: false, status: 401, error: 'invalid_token' };
    try {
      await this.ensureFresh();
      const iss = issuerOf(found.token);
      if (iss === null) return refused;
      if (iss === this.options.issuer()) return null;
      let kid: unknown;
      try {
        kid = decodeProtectedHeader(found.token).kid;
      } catch {
        return refused;
      }
      if (typeof kid === 'string' && (await this.verifyKeys.get()).has(kid)) return null;
      const candidates = (await this.federation.get()).candidates(found.token, route);
      if (!candidates.length) return refused;
      const policy = this.options.externalTokens ?? { allowHttpLocalhost: false };
      const matched = await matchTrustRules(found.token, candidates, policy, new Date(now), { firstOnly: false });
      if (!matched.ok)
        return matched.reason === 'keys_unavailable' ? { ok: false, status: 503, error: 'unavailable' } : refused;
      const accounts = new Set(matched.matches.map((m) => m.rule.serviceAccountId));
      if (accounts.size > 1) {
        // An administrator's mistake, not the caller's: say which rules collide (never the token).
        this.options.log.warn(
          { route: route.id, rules: matched.matches.map((m) => m.rule.id) },
          'an external token meets trust rules of several service accounts; refused as ambiguous',
        );
        return refused;
      }
      const { rule, claims } = matched.matches[0]!;
      const account = this.cachedAccount(rule.serviceAccountId) ?? (await this.loadAccount(rule.serviceAccountId));
      if (!account) return { ok: false, status: 401, error: 'revoked' };
      if (!route.scope.has(account.namespaceId)) return refused;
      if (account.disabled) return { ok: false, status: 401, error: 'disabled' };
      if (account.expiresAt !== null && account.expiresAt <= now) return { ok: false, status: 401, error: 'expired' };
      this.accessed.add(account.id);
      // Policies see the claims the account's own token would carry, good as long as the external one.
      const sec = Math.floor(now / 1000);
      const accountClaims: ServiceAccountClaims = {
        sub: account.userId,
        jti: account.id,
        iat: typeof claims.iat === 'number' ? claims.iat : sec,
        iss: this.options.issuer(),
        aud: this.options.audience,
      };
      if (typeof claims.exp === 'number') accountClaims.exp = claims.exp;
      return { ok: true, identity: { account, claims: accountClaims } };
    } catch (err) {
      this.options.log.warn(
        { err: (err as Error)?.message },
        'verify: cannot decide on an external token, failing closed',
      );
      return { ok: false, status: 503, error: 'unavailable' };
    }
  }

  /** Short-lived assertion for the upstream; reused while more than half its life remains. */
  async assertion(identity: Identity, audience: string): Promise<string> {
    const { account } = identity;
    return this.assertions.get({
      signer: await this.signer.get(),
      issuer: this.options.issuer(),
      audience,
      subject: account.userId,
      accountId: account.id,
      email: account.email ?? undefined,
      groups: account.groups.length ? account.groups : undefined,
    });
  }

  /**
   * The allow answer for an account and audience, built once and reused for ANSWER_REUSE_MS:
   * the identity headers, body and assertion do not change in between (the assertion cache
   * hands out tokens with more than half of their 300 s left, so a reused one has > 140 s).
   * Keyed by the account state object, so a changed account (a new object) never hits.
   */
  allowAnswer<T>(account: AccountState, audience: string, build: () => Promise<T>): Promise<T> {
    let byAudience = this.answers.get(account);
    if (!byAudience) this.answers.set(account, (byAudience = new Map()));
    const now = Date.now();
    const hit = byAudience.get(audience);
    if (hit && hit.until > now) return hit.answer as Promise<T>;
    const answer = build();
    const entry = { until: now + ANSWER_REUSE_MS, answer };
    byAudience.set(audience, entry);
    answer.catch(() => {
      if (byAudience.get(audience) === entry) byAudience.delete(audience);
    });
    return answer;
  }

  /** Writes the accessed ids and usage counted so far; false when the store refused them (kept for the next try). */
  async flushAccessed(): Promise<boolean> {
    const usage = this.usage.drain();
    if (!this.accessed.size && !usage.length) return true;
    const ids = [...this.accessed];
    this.accessed.clear();
    return this.options.store.recordAccessed(ids, new Date(), usage).then(
      () => true,
      (err: unknown) => {
        for (const id of ids) this.accessed.add(id);
        this.usage.restore(usage);
        this.options.log.warn({ err: (err as Error)?.message }, 'could not record service-account access; will retry');
        return false;
      },
    );
  }
}

/**
 * The console's freshness: the state version read from the database every `pollMs`; a
 * move (a change made by another console instance) clears everything. When the poll has
 * not succeeded for `freshMs`, answers stop: the database may hold changes we cannot see.
 */
export class EpochPoll implements Freshness {
  private epoch: bigint | null = null;
  private lastOk = 0;
  private started: Promise<void> | null = null;

  constructor(
    private readonly readEpoch: () => Promise<bigint>,
    private readonly onMove: () => void,
    private readonly log: EngineLog,
    private readonly pollMs = 1000,
    private readonly freshMs = 5000,
  ) {}

  fresh(): boolean {
    return this.started !== null && Date.now() - this.lastOk < this.freshMs;
  }

  staleAt(): number | null {
    return this.fresh() ? this.lastOk + this.freshMs : null;
  }

  /** The last state version read (null before the first poll), and when (epoch ms; null before). */
  version(): bigint | null {
    return this.epoch;
  }
  lastSync(): number | null {
    return this.lastOk || null;
  }

  /**
   * Records a version whose changes this instance has already applied (its own commit, or
   * one announced by LISTEN/NOTIFY), so the poll does not clear everything for it again.
   * Only the next version counts: after a gap the poll still sees a move and clears, since
   * the versions in between may hold changes nobody told us about.
   */
  seen(version: bigint): void {
    if (this.epoch !== null && version === this.epoch + 1n) this.epoch = version;
  }

  private async poll(): Promise<void> {
    const version = await this.readEpoch();
    if (this.epoch !== null && version !== this.epoch) this.onMove();
    this.epoch = version;
    this.lastOk = Date.now();
  }

  private loop = () => {
    if (this.stopped) return;
    this.poll()
      .catch((err: unknown) => this.log.warn({ err: (err as Error)?.message }, 'verify cache: epoch poll failed'))
      .finally(() => {
        if (!this.stopped) setTimeout(this.loop, this.pollMs).unref();
      });
  };

  private stopped = false;
  /** Shutdown: no further poll (the database is about to close). */
  stop(): void {
    this.stopped = true;
  }

  start(): Promise<void> {
    // Already running but stale: answer 503 at once rather than wait on an unreachable database.
    if (this.started) return this.started;
    this.started = this.poll().then(
      () => {
        setTimeout(this.loop, this.pollMs).unref();
      },
      (err) => {
        this.started = null;
        throw err;
      },
    );
    return this.started;
  }
}
