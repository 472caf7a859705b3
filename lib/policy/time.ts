const DAY_MS = 86_400_000;

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))?$/;

/**
 * Parses an RFC 3339 instant to epoch ms. Without an offset (`2020-01-02T16:20:00`) it
 * is read as UTC, as Pomerium reads it, so it names the same moment on every server.
 */
export function parseInstant(s: string): number | null {
  const m = RFC3339.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59) return null;
  const local = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  // Date.UTC rolls 31 February over into March; refuse such days instead.
  if (new Date(local).getUTCDate() !== d) return null;
  let offset = 0;
  if (!m[8] && m[9]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offset = (oh * 60 + om) * 60_000 * (m[9] === '-' ? -1 : 1);
  }
  return local - offset;
}

// The layouts Pomerium documents: "3:04:05 PM", "3:04 PM", "3:04PM", "3 PM", "3PM",
// "15:04:05.999999999", "15:04:05", "15:04"; AM/PM in any case.
const CLOCK_24 = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const CLOCK_12 = /^(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?\s?([AaPp][Mm])$/;

/** Parses a time of day to ms after midnight. */
export function parseTimeOfDay(s: string): number | null {
  let h: number;
  let mi: number;
  let sec = 0;
  let ms = 0;
  const m24 = CLOCK_24.exec(s);
  if (m24) {
    h = Number(m24[1]);
    mi = Number(m24[2]);
    sec = m24[3] ? Number(m24[3]) : 0;
    ms = m24[4] ? Number(m24[4].slice(0, 3).padEnd(3, '0')) : 0;
    if (h > 23) return null;
  } else {
    const m12 = CLOCK_12.exec(s);
    if (!m12) return null;
    h = Number(m12[1]);
    mi = m12[2] ? Number(m12[2]) : 0;
    sec = m12[3] ? Number(m12[3]) : 0;
    if (h < 1 || h > 12) return null;
    const pm = (m12[4] ?? '').toLowerCase() === 'pm';
    h = (h % 12) + (pm ? 12 : 0);
  }
  if (mi > 59 || sec > 59) return null;
  return ((h * 60 + mi) * 60 + sec) * 1000 + ms;
}

const DAYS: ReadonlyMap<string, number> = new Map([
  ['sun', 0],
  ['sunday', 0],
  ['mon', 1],
  ['monday', 1],
  ['tue', 2],
  ['tuesday', 2],
  ['wed', 3],
  ['wednesday', 3],
  ['thu', 4],
  ['thursday', 4],
  ['fri', 5],
  ['friday', 5],
  ['sat', 6],
  ['saturday', 6],
]);

/**
 * Parses `*`, `mon,wed`, `mon-fri` (and mixes such as `mon-wed,fri`) into a bit mask
 * indexed by Date#getUTCDay(). A range that runs past Saturday wraps: `fri-mon` is
 * Friday to Monday. Returns an error message for a bad value.
 */
export function parseDays(s: string): { mask: number; normalized: string } | { error: string } {
  const normalized = s.toLowerCase().replace(/\s+/g, '');
  if (normalized === '*') return { mask: 0x7f, normalized };
  let mask = 0;
  for (const part of normalized.split(',')) {
    const ends = part.split('-');
    if (ends.length > 2) return { error: `bad day range "${part}"` };
    const from = DAYS.get(ends[0] ?? '');
    const to = ends.length === 2 ? DAYS.get(ends[1] ?? '') : from;
    if (from === undefined || to === undefined) {
      return { error: `unknown day "${part}" (use mon, tue, … or a range such as mon-fri, or *)` };
    }
    for (let d = from; ; d = (d + 1) % 7) {
      mask |= 1 << d;
      if (d === to) break;
    }
  }
  return { mask, normalized };
}

// Keyed by the canonical zone name: Intl accepts any letter case ("america/new_york"),
// so keying by the written name would let hostile policies grow the cache without bound.
const formatters = new Map<string, Intl.DateTimeFormat>();
const canonical = new Map<string, string>();

function makeFormatter(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

/** The IANA name Intl resolves `zone` to, or null when Intl does not know it. */
export function canonicalTimeZone(zone: string): string | null {
  const known = canonical.get(zone);
  if (known) return known;
  if (zone.length === 0 || zone.length > 64) return null;
  let f: Intl.DateTimeFormat;
  try {
    f = makeFormatter(zone);
  } catch {
    return null;
  }
  const name = f.resolvedOptions().timeZone;
  if (!formatters.has(name)) formatters.set(name, f);
  if (canonical.size > 2000) canonical.clear();
  canonical.set(zone, name);
  return name;
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = makeFormatter(zone);
    formatters.set(zone, f);
  }
  return f;
}

// Offsets change only at whole minutes for present-day instants, so one
// formatToParts per zone per minute is enough for every evaluation in that minute.
const offsets = new Map<string, { minute: number; offset: number }>();

function zoneOffset(zone: string, now: number): number {
  const minute = Math.floor(now / 60_000);
  const cached = offsets.get(zone);
  if (cached && cached.minute === minute) return cached.offset;
  const base = minute * 60_000;
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(base)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const wall = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  const offset = wall - base;
  offsets.set(zone, { minute, offset });
  return offset;
}

/** Milliseconds since local midnight in `zone` (a canonical name) at instant `now`. */
export function timeOfDayIn(zone: string, now: number): number {
  const t = (now + zoneOffset(zone, now)) % DAY_MS;
  return t < 0 ? t + DAY_MS : t;
}

/** Day of the week (0 = Sunday, as Date#getUTCDay()) in `zone` (a canonical name) at instant `now`. */
export function dayOfWeekIn(zone: string, now: number): number {
  const local = Math.floor((now + zoneOffset(zone, now)) / DAY_MS);
  // 1970-01-01 (day 0) was a Thursday.
  return (((local + 4) % 7) + 7) % 7;
}
