import { describe, it, expect } from 'vitest';
import { RateLimit } from './rate-limit';

describe('RateLimit', () => {
  it('allows a burst, then one request per refill, per key', () => {
    const limit = new RateLimit(3, 0.5);
    const t = 1_000_000;
    expect([limit.take('a', t), limit.take('a', t), limit.take('a', t)]).toEqual([0, 0, 0]);
    expect(limit.take('a', t)).toBe(2000);
    expect(limit.take('b', t)).toBe(0);
    expect(limit.take('a', t + 1000)).toBe(1000);
    expect(limit.take('a', t + 2000)).toBe(0);
    expect(limit.take('a', t + 2000)).toBeGreaterThan(0);
  });
});
