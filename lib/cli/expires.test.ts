import { describe, expect, it } from 'vitest';
import { CliError, EXIT } from './errors';
import { parseExpires, parseHistoryTime } from './expires';

const now = new Date('2026-11-30T12:00:00.000Z');

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(EXIT.usage);
    return (err as CliError).message;
  }
  throw new Error('no error');
}

describe('--expires', () => {
  it('maps never and the console presets to their names', () => {
    expect(parseExpires('never', now)).toEqual({ expiration: 'never' });
    expect(parseExpires('NEVER', now)).toEqual({ expiration: 'never' });
    for (const d of ['7', '30', '60', '90']) expect(parseExpires(`${d}d`, now)).toEqual({ expiration: d });
  });

  it('turns other durations into an instant from now', () => {
    expect(parseExpires('12h', now)).toEqual({ expiration: 'custom', customExpiresAt: '2026-12-01T00:00:00.000Z' });
    expect(parseExpires('1d', now)).toEqual({ expiration: 'custom', customExpiresAt: '2026-12-01T12:00:00.000Z' });
    expect(parseExpires('2w', now)).toEqual({ expiration: 'custom', customExpiresAt: '2026-12-14T12:00:00.000Z' });
  });

  it('takes a future date (midnight UTC) or ISO 8601 time with its offset', () => {
    expect(parseExpires('2027-01-31', now)).toEqual({
      expiration: 'custom',
      customExpiresAt: '2027-01-31T00:00:00.000Z',
    });
    expect(parseExpires('2027-01-31T12:30:00+02:00', now)).toEqual({
      expiration: 'custom',
      customExpiresAt: '2027-01-31T10:30:00.000Z',
    });
  });

  it('refuses the past, malformed values, local times without offset and zero', () => {
    expect(usage(() => parseExpires('2026-11-29', now))).toMatch(/must lie in the future/);
    expect(usage(() => parseExpires('2026-11-30T11:59:59Z', now))).toMatch(/must lie in the future/);
    for (const bad of ['30', '30 days', '0d', '-1d', '2027-02-30', '2027-01-31T12:00', 'tomorrow', '1y', ''])
      expect(usage(() => parseExpires(bad, now))).toMatch(/use never, a duration/);
    expect(usage(() => parseExpires('999999w', now))).toMatch(/at most 100 years/);
  });
});

describe('--since / --until', () => {
  it('passes a day on as a day, an instant as ISO, a duration as that long ago', () => {
    expect(parseHistoryTime('--since', '2026-11-01', now)).toBe('2026-11-01');
    expect(parseHistoryTime('--since', '2026-11-01T08:00:00+01:00', now)).toBe('2026-11-01T07:00:00.000Z');
    expect(parseHistoryTime('--since', '24h', now)).toBe('2026-11-29T12:00:00.000Z');
    expect(parseHistoryTime('--since', '7d', now)).toBe('2026-11-23T12:00:00.000Z');
  });

  it('refuses what is neither', () => {
    expect(usage(() => parseHistoryTime('--until', 'yesterday', now))).toMatch(/^--until yesterday: use a date/);
    expect(usage(() => parseHistoryTime('--since', '2026-13-01', now))).toMatch(/use a date/);
  });
});

describe('api-key --expires', () => {
  it('takes never or whole days up to ten years', async () => {
    const { keyExpiryDays } = await import('./commands/api-keys');
    expect(keyExpiryDays('never')).toBeUndefined();
    expect(keyExpiryDays('90d')).toBe(90);
    expect(keyExpiryDays('3650d')).toBe(3650);
    for (const bad of ['0d', '3651d', '12h', '90', '2027-01-01'])
      expect(usage(() => keyExpiryDays(bad))).toMatch(/1d to 3650d/);
  });
});
