import { LRUCache } from 'lru-cache';

/** A throttle key and the attempts it allows freely before delays start. */
export interface ThrottleKey {
  key: string;
  free: number;
}

/**
 * Slows down repeated sign-in attempts, per account and per trusted client address. Each
 * attempt is counted *before* its password is checked, so a parallel burst is refused
 * beyond the free attempts instead of being evaluated in full. After a key's free
 * attempts within the window, each further attempt must wait an exponentially growing
 * delay (1 s, 2 s, 4 s … capped at 5 minutes). A successful sign-in clears the account's
 * count and gives the attempt back to the address (colleagues behind one NAT are not
 * penalised by each other's successful sign-ins). In memory: one instance's view.
 */
export class LoginThrottle {
  private attempts = new LRUCache<string, { count: number; last: number }>({ max: 100_000, ttl: 15 * 60_000 });

  constructor(private readonly maxDelayMs = 5 * 60_000) {}

  private wait(k: ThrottleKey, now: number): number {
    const f = this.attempts.get(k.key);
    if (!f || f.count < k.free) return 0;
    const delay = Math.min(this.maxDelayMs, 1000 * 2 ** Math.min(30, f.count - k.free));
    return Math.max(0, f.last + delay - now);
  }

  /** The milliseconds any of these keys must still wait (0: none), counting nothing. */
  pending(keys: ThrottleKey[], now = Date.now()): number {
    return Math.max(0, ...keys.map((k) => this.wait(k, now)));
  }

  /**
   * Counts an attempt for every key and returns 0, or, when any key must still wait,
   * counts nothing and returns the milliseconds to wait. Synchronous: no other attempt
   * can slip in between the check and the count.
   */
  attempt(keys: ThrottleKey[], now = Date.now()): number {
    const wait = Math.max(0, ...keys.map((k) => this.wait(k, now)));
    if (wait > 0) return wait;
    for (const k of keys) {
      const f = this.attempts.get(k.key);
      this.attempts.set(k.key, { count: (f?.count ?? 0) + 1, last: now });
    }
    return 0;
  }

  /** After a correct password: forget the account's attempts, give one back to the address. */
  succeeded(accountKey: string, addressKey?: string) {
    this.attempts.delete(accountKey);
    if (!addressKey) return;
    const f = this.attempts.get(addressKey);
    if (f && f.count > 1) this.attempts.set(addressKey, { ...f, count: f.count - 1 });
    else if (f) this.attempts.delete(addressKey);
  }

  /** An attempt that never reached the password check (e.g. the server was busy) is given back. */
  release(keys: ThrottleKey[]) {
    for (const k of keys) {
      const f = this.attempts.get(k.key);
      if (f && f.count > 1) this.attempts.set(k.key, { ...f, count: f.count - 1 });
      else if (f) this.attempts.delete(k.key);
    }
  }
}

/** Free attempts per account (a few typos) and per client address (a NAT of colleagues). */
export const ACCOUNT_FREE_ATTEMPTS = 5;
export const ADDRESS_FREE_ATTEMPTS = 20;
