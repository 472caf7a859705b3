// Usage counted on the verify path: per account, hour and route, in memory only. The engine
// hands the counts to its store in batches, with the ids of accessed accounts
// (VerifyEngine.flushAccessed): a decision costs two Map lookups here, never I/O.

/** Requests of one account on one route in one hour (what a flush writes, and a verifier reports). */
export interface UsageRecord {
  accountId: string;
  /** Start of the hour, epoch ms (UTC hours). */
  hour: number;
  /** The route judged, or '' when none was (the token-only endpoint, or no route matched). */
  routeId: string;
  allowed: number;
  denied: number;
  /** The last request counted: when (epoch ms) and from which trusted client address. */
  lastAt: number;
  lastAddress: string | null;
}

export const HOUR_MS = 3_600_000;
/** What is kept while the store cannot be reached (and the most a verifier reports at once); beyond it the oldest counts are dropped. */
const MAX_PENDING = 50_000;

export class UsageMeter {
  /** The current hour's counts: account id → route id → record. */
  private current = new Map<string, Map<string, UsageRecord>>();
  private hour = -1;
  /** Counts of earlier hours, and counts handed back after a failed flush. */
  private pending: UsageRecord[] = [];

  /** Counts one decision about a known account: allowed, or refused (by a policy, the route's scope, no route). */
  record(accountId: string, routeId: string, allowed: boolean, address: string | null, now = Date.now()): void {
    const hour = now - (now % HOUR_MS);
    if (hour !== this.hour) {
      this.seal();
      this.hour = hour;
    }
    let byRoute = this.current.get(accountId);
    if (!byRoute) this.current.set(accountId, (byRoute = new Map()));
    let r = byRoute.get(routeId);
    if (!r) {
      r = { accountId, hour, routeId, allowed: 0, denied: 0, lastAt: now, lastAddress: address };
      byRoute.set(routeId, r);
    }
    if (allowed) r.allowed++;
    else r.denied++;
    r.lastAt = now;
    r.lastAddress = address;
  }

  private seal(): void {
    for (const byRoute of this.current.values()) for (const r of byRoute.values()) this.pending.push(r);
    this.current = new Map();
    if (this.pending.length > MAX_PENDING) this.pending = this.pending.slice(-MAX_PENDING);
  }

  /** Everything counted since the last drain; the meter starts empty again. */
  drain(): UsageRecord[] {
    this.seal();
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Hands back counts a flush could not write, for the next one (duplicates are summed by the store). */
  restore(records: UsageRecord[]): void {
    this.pending = records.concat(this.pending);
    if (this.pending.length > MAX_PENDING) this.pending = this.pending.slice(-MAX_PENDING);
  }
}

/**
 * Sums records with the same account, hour and route (a flush after a failed one, or a
 * verifier's report), keeping the later last request: an upsert may touch a row once.
 */
export function mergeUsage(records: readonly UsageRecord[]): UsageRecord[] {
  const byKey = new Map<string, UsageRecord>();
  for (const r of records) {
    const key = `${r.accountId}\u0000${r.hour}\u0000${r.routeId}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...r });
      continue;
    }
    seen.allowed += r.allowed;
    seen.denied += r.denied;
    if (r.lastAt >= seen.lastAt) {
      seen.lastAt = r.lastAt;
      seen.lastAddress = r.lastAddress;
    }
  }
  return [...byKey.values()];
}
