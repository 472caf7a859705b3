import { describe, expect, it } from 'vitest';
import { MemoGate } from '@/lib/verify/memo-gate';

/** How many of `n` requests consult the memo, each finding what `hit` says. */
function consulted(gate: MemoGate, n: number, hit: boolean): number {
  let used = 0;
  for (let i = 0; i < n; i++) {
    if (!gate.use()) continue;
    used++;
    gate.record(hit);
  }
  return used;
}

describe('MemoGate', () => {
  it('keeps a memo that pays in use, and steps aside (1 in 16) from traffic it cannot serve', () => {
    const gate = new MemoGate();
    expect(consulted(gate, 10_240, true)).toBe(10_240);
    // Every request new: one window of misses, then only a sample of 1 in 16.
    expect(consulted(gate, 1024, false)).toBe(1024);
    expect(consulted(gate, 16_000, false)).toBe(1000);
  });

  it('comes back once the sampled requests hit again', () => {
    const gate = new MemoGate();
    consulted(gate, 1024, false);
    // 1,024 sampled hits (16,384 requests) close the window in which it turns back on.
    expect(consulted(gate, 16_384, true)).toBe(1024);
    expect(consulted(gate, 1000, true)).toBe(1000);
  });
});
