// Times on the command line: `--expires` for tokens and `--since`/`--until` for the history.
import { usageError } from './errors';

/** The API's (and the console form's) expiry vocabulary: a preset number of days, never, or an instant. */
export interface Expiry {
  expiration: 'never' | '7' | '30' | '60' | '90' | 'custom';
  customExpiresAt?: string;
}

const HOUR = 3_600_000;
const UNIT_MS: Record<string, number> = { h: HOUR, d: 24 * HOUR, w: 7 * 24 * HOUR };
const PRESET_DAYS = new Set(['7', '30', '60', '90']);
const MAX_MS = 100 * 366 * 24 * HOUR;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const DURATION = /^([1-9]\d{0,5})([hdw])$/;

export const EXPIRES_HELP = 'never, a duration (12h, 30d, 2w) or a time (2027-01-31, 2027-01-31T12:00:00Z)';

/** A calendar day (midnight UTC) or an ISO 8601 instant with its offset, in ms; null when neither. */
function parseTime(input: string): number | null {
  const day = DAY.exec(input);
  if (day) {
    const t = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    return new Date(t).toISOString().startsWith(input) ? t : null;
  }
  if (!INSTANT.test(input)) return null;
  const t = Date.parse(input);
  return Number.isNaN(t) ? null : t;
}

/**
 * `--expires`: `never`; a duration from now (`12h`, `30d`, `2w`; 7, 30, 60 and 90 days are the
 * console's presets); or a date (midnight UTC) or ISO 8601 time in the future.
 */
export function parseExpires(input: string, now: Date = new Date()): Expiry {
  const value = input.trim().toLowerCase();
  if (value === 'never') return { expiration: 'never' };
  const duration = DURATION.exec(value);
  if (duration) {
    const [, n, unit] = duration as unknown as [string, string, string];
    if (unit === 'd' && PRESET_DAYS.has(n)) return { expiration: n as Expiry['expiration'] };
    const ms = Number(n) * UNIT_MS[unit]!;
    if (ms > MAX_MS) throw usageError(`--expires ${input}: at most 100 years`);
    return { expiration: 'custom', customExpiresAt: new Date(now.getTime() + ms).toISOString() };
  }
  const t = parseTime(input.trim());
  if (t === null) throw usageError(`--expires ${input}: use ${EXPIRES_HELP}`);
  if (t <= now.getTime()) throw usageError(`--expires ${input}: the expiry must lie in the future`);
  return { expiration: 'custom', customExpiresAt: new Date(t).toISOString() };
}

/**
 * `--since`/`--until` for the history: a date (passed on as a day, which the API reads in UTC;
 * as `--until` it means through that day), an ISO 8601 time, or a duration ago (`24h`, `7d`).
 */
export function parseHistoryTime(flag: string, input: string, now: Date = new Date()): string {
  const value = input.trim();
  const duration = DURATION.exec(value.toLowerCase());
  if (duration) {
    const [, n, unit] = duration as unknown as [string, string, string];
    return new Date(now.getTime() - Number(n) * UNIT_MS[unit]!).toISOString();
  }
  const t = parseTime(value);
  if (t === null)
    throw usageError(
      `${flag} ${input}: use a date (2026-01-31), an ISO 8601 time (2026-01-31T12:00:00Z) or a duration ago (24h, 7d)`,
    );
  return DAY.test(value) ? value : new Date(t).toISOString();
}
