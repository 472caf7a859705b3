import { LRUCache } from 'lru-cache';

/**
 * Slows down repeated wrong passwords, per account and per client IP. After `free`
 * failures within the window, each further attempt must wait an exponentially growing
 * delay (1 s, 2 s, 4 s … capped), so guessing is slow while a typo costs nothing.
 * In memory: one instance's view; enough to make online guessing impractical.
 */
export class LoginThrottle {
  private failures = new LRUCache<string, { count: number; last: number }>({ max: 50_000, ttl: 15 * 60_000 });

  constructor(private readonly free = 5, private readonly maxDelayMs = 5 * 60_000) {}

  /** Milliseconds the caller must still wait before another attempt for these keys. */
  retryAfter(keys: string[], now = Date.now()): number {
    let wait = 0;
    for (const key of keys) {
      const f = this.failures.get(key);
      if (!f || f.count < this.free) continue;
      const delay = Math.min(this.maxDelayMs, 1000 * 2 ** (f.count - this.free));
      wait = Math.max(wait, f.last + delay - now);
    }
    return Math.max(0, wait);
  }

  fail(keys: string[], now = Date.now()) {
    for (const key of keys) {
      const f = this.failures.get(key);
      this.failures.set(key, { count: (f?.count ?? 0) + 1, last: now });
    }
  }

  succeed(accountKey: string) {
    this.failures.delete(accountKey);
  }
}
