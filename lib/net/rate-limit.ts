import { LRUCache } from 'lru-cache';

/**
 * A token bucket per key (a client address): `burst` requests at once, then `perSecond`.
 * For public endpoints that do real work per request (fetching an issuer's keys, signing).
 * In memory: one instance's view, as the sign-in throttle.
 */
export class RateLimit {
  private buckets: LRUCache<string, { tokens: number; at: number }>;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    maxKeys = 100_000,
  ) {
    this.buckets = new LRUCache({ max: maxKeys });
  }

  /** Takes one request's token: 0 when allowed, else the milliseconds until one is free. */
  take(key: string, now = Date.now()): number {
    const b = this.buckets.get(key);
    const tokens = b ? Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond) : this.burst;
    if (tokens < 1) return Math.ceil(((1 - tokens) / this.perSecond) * 1000);
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return 0;
  }
}
