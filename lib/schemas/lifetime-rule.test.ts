import { describe, expect, it } from 'vitest';
import {
  defaultExpiration,
  disabledReasonText,
  expirationChoices,
  lifetimeViolation,
  NO_RULE,
  type EffectiveLifetimeRule,
} from './lifetime-rule';

const NOW = new Date('2030-01-01T00:00:00Z');
const DAY = 86_400_000;
const limit = (days: number): EffectiveLifetimeRule => ({ ...NO_RULE, maxLifetimeDays: days, maxLifetimeFrom: 'ops' });
const offered = (rule: EffectiveLifetimeRule) =>
  expirationChoices(rule)
    .filter((c) => !c.disabled)
    .map((c) => c.value);

describe('expiry choices under a lifetime rule', () => {
  it('offers everything, "Never" first by default, without a rule', () => {
    expect(offered(NO_RULE)).toEqual(['never', '7', '30', '60', '90', 'custom']);
    expect(defaultExpiration(NO_RULE)).toBe('never');
  });

  it('disables "Never" and the presets beyond the limit, saying why, and starts on the longest allowed', () => {
    expect(offered(limit(60))).toEqual(['7', '30', '60', 'custom']);
    expect(expirationChoices(limit(60)).find((c) => c.value === '90')?.label).toBe(
      '90 days (not allowed: over 60 days)',
    );
    expect(defaultExpiration(limit(60))).toBe('60');
    expect(defaultExpiration(limit(45))).toBe('30');
    // Shorter than every preset: only a date of one's own.
    expect(offered(limit(3))).toEqual(['custom']);
    expect(defaultExpiration(limit(3))).toBe('custom');
  });

  it('judges an expiry against the limit, naming the namespace that set it', () => {
    expect(lifetimeViolation(null, NO_RULE, NOW)).toBeNull();
    expect(lifetimeViolation(null, limit(30), NOW)).toBe(
      'ops limits new tokens to 30 days. "Never" is not allowed here.',
    );
    expect(lifetimeViolation(new Date(NOW.getTime() + 30 * DAY), limit(30), NOW)).toBeNull();
    expect(lifetimeViolation(new Date(NOW.getTime() + 30 * DAY + 60_000), limit(30), NOW)).toBe(
      'ops limits new tokens to 30 days. Choose an expiry within 30 days.',
    );
  });

  it('words the reason the system disabled an account', () => {
    expect(disabledReasonText('unused:90')).toBe('Disabled automatically: unused for 90 days');
    expect(disabledReasonText(null)).toBeNull();
  });
});
