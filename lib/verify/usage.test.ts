import { describe, expect, it } from 'vitest';
import { HOUR_MS, mergeUsage, UsageMeter } from '@/lib/verify/usage';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const R = '00000000-0000-4000-8000-0000000000ff';
const h0 = Date.UTC(2026, 10, 30, 9); // 09:00 UTC

describe('UsageMeter', () => {
  it('counts allowed and refused requests per account, hour and route, keeping the last address', () => {
    const m = new UsageMeter();
    m.record(A, R, true, '203.0.113.1', h0 + 1_000);
    m.record(A, R, false, '203.0.113.2', h0 + 2_000);
    m.record(A, '', true, null, h0 + 3_000);
    m.record(B, R, true, '198.51.100.9', h0 + 4_000);
    const out = m.drain();
    expect(out).toHaveLength(3);
    expect(out).toContainEqual({
      accountId: A,
      hour: h0,
      routeId: R,
      allowed: 1,
      denied: 1,
      lastAt: h0 + 2_000,
      lastAddress: '203.0.113.2',
    });
    expect(out).toContainEqual(expect.objectContaining({ accountId: A, routeId: '', allowed: 1, lastAddress: null }));
    expect(out).toContainEqual(expect.objectContaining({ accountId: B, allowed: 1, denied: 0 }));
    expect(m.drain()).toEqual([]);
  });

  it('starts new rows when the hour turns', () => {
    const m = new UsageMeter();
    m.record(A, R, true, null, h0 + HOUR_MS - 1);
    m.record(A, R, true, null, h0 + HOUR_MS);
    m.record(A, R, false, null, h0 + HOUR_MS + 5);
    const out = m.drain().sort((x, y) => x.hour - y.hour);
    expect(out.map((r) => [r.hour, r.allowed, r.denied])).toEqual([
      [h0, 1, 0],
      [h0 + HOUR_MS, 1, 1],
    ]);
  });

  it('keeps counts handed back after a failed flush, and the store sums them with newer ones', () => {
    const m = new UsageMeter();
    m.record(A, R, true, '203.0.113.1', h0 + 1);
    m.restore(m.drain());
    m.record(A, R, true, '203.0.113.3', h0 + 2);
    const merged = mergeUsage(m.drain());
    expect(merged).toEqual([
      { accountId: A, hour: h0, routeId: R, allowed: 2, denied: 0, lastAt: h0 + 2, lastAddress: '203.0.113.3' },
    ]);
  });

  it('bounds what it keeps while the store is away', () => {
    const m = new UsageMeter();
    for (let i = 0; i < 60_000; i++) m.record(`acct-${i}`, R, true, null, h0);
    m.restore(m.drain());
    expect(m.drain().length).toBe(50_000);
  });
});
