import { describe, expect, it } from 'vitest';
import { generationAccepted } from './generation';

const T = Date.parse('2030-01-01T00:00:00Z');
const HOUR = 3_600_000;

describe('which token generations verify', () => {
  it('accepts only the current generation when nothing is in grace', () => {
    const account = { generation: 1, previousValidUntil: null };
    expect(generationAccepted(account, 1, T)).toBe(true);
    expect(generationAccepted(account, 0, T)).toBe(false);
    expect(generationAccepted(account, 2, T)).toBe(false);
  });

  it('accepts the previous generation until its grace end, and not at that instant', () => {
    const account = { generation: 2, previousValidUntil: T + HOUR };
    expect(generationAccepted(account, 1, T)).toBe(true);
    expect(generationAccepted(account, 1, T + HOUR - 1)).toBe(true);
    expect(generationAccepted(account, 1, T + HOUR)).toBe(false);
    expect(generationAccepted(account, 2, T + HOUR)).toBe(true);
  });

  it('never accepts more than two generations: the one before the previous is dead at once', () => {
    const account = { generation: 3, previousValidUntil: T + 7 * 24 * HOUR };
    expect([1, 2, 3].filter((g) => generationAccepted(account, g, T))).toEqual([2, 3]);
    // A generation the account has not reached (a restored backup) is refused too.
    expect(generationAccepted(account, 4, T)).toBe(false);
  });
});
