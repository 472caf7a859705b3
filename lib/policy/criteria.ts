// Validates and normalizes one criterion's value. zod checks the shape of matcher
// mappings; the meaning of values (CIDR, instants, days, zones) is checked here.
import { z } from 'zod';
import { canonicalTimeZone, parseDays, parseInstant, parseTimeOfDay } from './time';
import { parseIpRange } from './cidr';
import { criterionInfo, UNSUPPORTED_CRITERIA, type CriterionInfo } from './catalogue';
import { PolicyError, isPlainObject, typeName, type PathSegment } from './errors';
import { canonicalFingerprint, isSpkiHash } from './certificate';
import type {
  BooleanCriterionName,
  CertificateMatch,
  Criterion,
  DateMatch,
  StringCriterionName,
  ListMatch,
  StringMatch,
  TimeOfDayMatch,
} from './types';

/** Caps list values across a whole policy, since a JS-value policy is not bounded by the text limit. */
export const MAX_VALUES = 10_000;
export const MAX_LIST = 1_000;
export interface Budget {
  criteria: number;
  values: number;
}

const text = z
  .string({ error: 'expected a string' })
  .min(1, { error: 'must not be empty' })
  .max(4096, { error: 'is too long' });
const list = z
  .array(text, { error: 'expected a list of strings' })
  .min(1, { error: 'needs at least one value' })
  .max(MAX_LIST, { error: `has more than ${MAX_LIST} values` });

const mapping = (shape: string) => (iss: { code?: string; keys?: string[] }) =>
  iss.code === 'unrecognized_keys'
    ? `unknown matcher "${iss.keys?.[0] ?? ''}"`
    : iss.code === 'invalid_type'
      ? `expected a mapping with ${shape}`
      : undefined;
const nonEmpty = (o: object) => Object.keys(o).length > 0;

// An empty mapping (`email: {}`) puts no condition on the value, as in Pomerium: it
// matches any caller that has one. The editor warns about it (warnings.ts).
const stringMatch = z
  .strictObject(
    { is: text, starts_with: text, ends_with: text, contains: text, in: list, not_in: list, not: text },
    { error: mapping('matchers') },
  )
  .partial();

const listMatch = z.strictObject({ has: text, is: text, exclude: text }, { error: mapping('matchers') }).partial();

const oneOrMany = z.union([text.transform((s) => [s]), list], { error: 'expected a string or a list of strings' });
const certificateMatch = z
  .strictObject(
    {
      fingerprint: oneOrMany,
      spki_hash: oneOrMany,
      san_email: z.unknown(),
      san_dns: z.unknown(),
      san_uri: z.unknown(),
    },
    { error: mapping('fingerprint, spki_hash, san_email, san_dns and/or san_uri') },
  )
  .partial();

const dayOfWeekMatch = z.strictObject(
  {
    is: text,
    timezone: z.string({ error: 'expected a string' }).optional(),
  },
  { error: mapping('is (and optionally timezone)') },
);

const dateMatch = z
  .strictObject({ after: text, before: text }, { error: mapping('after and/or before') })
  .partial()
  .refine(nonEmpty, { error: 'needs after and/or before' });

const timeOfDayMatch = z
  .strictObject(
    {
      timezone: z.string({
        error: (iss) => (iss.input === undefined ? 'is required (e.g. timezone: UTC)' : 'expected a string'),
      }),
      after: text.optional(),
      before: text.optional(),
    },
    { error: mapping('timezone and after and/or before') },
  )
  .refine((o) => o.after !== undefined || o.before !== undefined, { error: 'needs after and/or before' });

function check<T>(schema: z.ZodType<T>, value: unknown, at: readonly PathSegment[]): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const sub = (issue?.path ?? []).filter((p): p is PathSegment => typeof p === 'string' || typeof p === 'number');
  const keys = issue?.code === 'unrecognized_keys' ? issue.keys : [];
  throw new PolicyError(issue?.code === 'unrecognized_keys' ? at : [...at, ...sub], issue?.message ?? 'invalid value', [
    ...at,
    ...sub,
    ...keys.slice(0, 1),
  ]);
}

function spend(budget: Budget, n: number, at: readonly PathSegment[]): void {
  budget.values -= n;
  if (budget.values < 0) throw new PolicyError(at, `policy has more than ${MAX_VALUES} values`);
}

function countValues(m: StringMatch | ListMatch): number {
  let n = 0;
  for (const v of Object.values(m)) n += Array.isArray(v) ? v.length : 1;
  return n;
}

function bareOr(value: unknown, shorthand: string, info: CriterionInfo, at: readonly PathSegment[]): unknown {
  if (typeof value === 'string') return { [shorthand]: value };
  if (isPlainObject(value)) return value;
  throw new PolicyError(
    at,
    `expected a string or a mapping of matchers (${info.matchers.join(', ')}), got ${typeName(value)}`,
  );
}

/** Parses the key of a one-key criterion object and its value. */
export function normalizeCriterion(key: string, value: unknown, at: readonly PathSegment[], budget: Budget): Criterion {
  const slash = key.indexOf('/');
  const name = slash === -1 ? key : key.slice(0, slash);
  const sub = slash === -1 ? null : key.slice(slash + 1);
  const info = criterionInfo(name);
  if (!info) {
    if (UNSUPPORTED_CRITERIA.has(name)) {
      throw new PolicyError(at, `criterion "${name}" is a Pomerium feature that Postern does not support`);
    }
    throw new PolicyError(
      at,
      `unknown criterion "${name.slice(0, 64)}": Postern does not support it (it is not one of Postern's criteria; if it is a Pomerium feature, it is one Postern lacks)`,
    );
  }
  if (info.subKey && !sub) throw new PolicyError(at, `"${name}" needs a name after a slash, e.g. ${name}/groups`);
  if (!info.subKey && sub !== null) throw new PolicyError(at, `"${name}" takes no sub-key`);

  switch (info.kind) {
    case 'boolean':
      // Pomerium ignores the value of these criteria: `accept: 1`, `accept: null` and `accept:` all mean accept.
      return { kind: 'criterion', name: info.name as BooleanCriterionName, value: true };
    case 'string':
    case 'method': {
      const m = check(stringMatch, bareOr(value, 'is', info, at), at);
      spend(budget, countValues(m), at);
      const v = info.kind === 'method' ? upper(m) : canonicalString(m);
      return { kind: 'criterion', name: info.name as StringCriterionName, value: v };
    }
    case 'list': {
      const m = check(listMatch, bareOr(value, 'has', info, at), at);
      spend(budget, countValues(m), at);
      const v: ListMatch = {
        ...(m.has !== undefined && { has: m.has }),
        ...(m.is !== undefined && { is: m.is }),
        ...(m.exclude !== undefined && { exclude: m.exclude }),
      };
      if (info.name === 'claim') {
        if (!sub || sub.length > 256) throw new PolicyError(at, 'claim name is too long');
        return { kind: 'criterion', name: 'claim', key: sub, value: v };
      }
      return { kind: 'criterion', name: 'groups', value: v };
    }
    case 'cidr': {
      const ranges = check(
        z.union([text.transform((s) => [s]), list], {
          error: 'expected an IP address, a CIDR range, or a list of them',
        }),
        value,
        at,
      );
      spend(budget, ranges.length, at);
      ranges.forEach((r, i) => {
        if (!parseIpRange(r)) {
          const where = Array.isArray(value) ? [...at, i] : at;
          throw new PolicyError(where, `"${r}" is not an IP address or CIDR range`);
        }
      });
      return { kind: 'criterion', name: 'source_ip', value: ranges };
    }
    case 'date':
      return { kind: 'criterion', name: 'date', value: normalizeDate(check(dateMatch, value, at), at) };
    case 'day_of_week': {
      const m = typeof value === 'string' ? { is: check(text, value, at) } : check(dayOfWeekMatch, value, at);
      const days = parseDays(m.is);
      if ('error' in days) throw new PolicyError(typeof value === 'string' ? at : [...at, 'is'], days.error);
      if (m.timezone === undefined) return { kind: 'criterion', name: 'day_of_week', value: days.normalized };
      if (canonicalTimeZone(m.timezone) === null) {
        throw new PolicyError(
          [...at, 'timezone'],
          `unknown time zone "${m.timezone}" (use an IANA name such as Europe/Paris)`,
        );
      }
      return { kind: 'criterion', name: 'day_of_week', value: days.normalized, timezone: m.timezone };
    }
    case 'certificate':
      return { kind: 'criterion', name: 'client_certificate', value: normalizeCertificate(value, at, budget) };
    case 'time_of_day':
      return {
        kind: 'criterion',
        name: 'time_of_day',
        value: normalizeTimeOfDay(check(timeOfDayMatch, value, at), at),
      };
  }
}

function normalizeCertificate(value: unknown, at: readonly PathSegment[], budget: Budget): CertificateMatch {
  if (!isPlainObject(value)) {
    throw new PolicyError(
      at,
      `expected a mapping with fingerprint, spki_hash, san_email, san_dns and/or san_uri, got ${typeName(value)}`,
    );
  }
  const m = check(certificateMatch, value, at);
  const out: { -readonly [K in keyof CertificateMatch]: CertificateMatch[K] } = {};
  if (m.fingerprint) {
    spend(budget, m.fingerprint.length, at);
    out.fingerprint = m.fingerprint.map((f, i) => {
      const c = canonicalFingerprint(f);
      if (c === null) {
        const where = Array.isArray(value.fingerprint) ? [...at, 'fingerprint', i] : [...at, 'fingerprint'];
        throw new PolicyError(
          where,
          `"${f.slice(0, 100)}" is not a SHA-256 fingerprint (64 lower-case hex digits, or 32 upper-case hex pairs separated by colons)`,
        );
      }
      return c;
    });
  }
  if (m.spki_hash) {
    spend(budget, m.spki_hash.length, at);
    m.spki_hash.forEach((h, i) => {
      if (!isSpkiHash(h)) {
        const where = Array.isArray(value.spki_hash) ? [...at, 'spki_hash', i] : [...at, 'spki_hash'];
        throw new PolicyError(
          where,
          `"${h.slice(0, 100)}" is not an SPKI hash (the base64 encoding of a 32-byte SHA-256 hash)`,
        );
      }
    });
    out.spki_hash = m.spki_hash;
  }
  for (const k of ['san_email', 'san_dns', 'san_uri'] as const) {
    if (value[k] === undefined) continue;
    const raw = value[k];
    if (!isPlainObject(raw) && typeof raw !== 'string')
      throw new PolicyError([...at, k], `expected a string or a mapping of matchers, got ${typeName(raw)}`);
    const sm = check(stringMatch, typeof raw === 'string' ? { is: raw } : raw, [...at, k]);
    spend(budget, countValues(sm), at);
    out[k] = canonicalString(sm);
  }
  return out;
}

/**
 * One PPL string match (`{is: x}`, `{starts_with: y, not: z}`, or a bare string for `is`),
 * validated and in canonical order: the matchers of the string criteria, for other
 * conditions written in PPL's terms (trust rules' claim conditions).
 */
export function normalizeStringMatch(value: unknown, at: readonly PathSegment[]): StringMatch {
  return canonicalString(check(stringMatch, typeof value === 'string' ? { is: value } : value, at));
}

function canonicalString(m: StringMatch): StringMatch {
  // Rebuilt in canonical key order so printing and deep equality do not depend on input order.
  const out: { -readonly [K in keyof StringMatch]: StringMatch[K] } = {};
  if (m.is !== undefined) out.is = m.is;
  if (m.starts_with !== undefined) out.starts_with = m.starts_with;
  if (m.ends_with !== undefined) out.ends_with = m.ends_with;
  if (m.contains !== undefined) out.contains = m.contains;
  if (m.in !== undefined) out.in = m.in;
  if (m.not_in !== undefined) out.not_in = m.not_in;
  if (m.not !== undefined) out.not = m.not;
  return out;
}

function upper(m: StringMatch): StringMatch {
  const u = (s: string | undefined) => s?.toUpperCase();
  return canonicalString({
    is: u(m.is),
    starts_with: u(m.starts_with),
    ends_with: u(m.ends_with),
    contains: u(m.contains),
    in: m.in?.map((s) => s.toUpperCase()),
    not_in: m.not_in?.map((s) => s.toUpperCase()),
    not: u(m.not),
  });
}

function normalizeDate(m: DateMatch, at: readonly PathSegment[]): DateMatch {
  const after = m.after === undefined ? undefined : instant(m.after, [...at, 'after']);
  const before = m.before === undefined ? undefined : instant(m.before, [...at, 'before']);
  if (after !== undefined && before !== undefined && after >= before) {
    throw new PolicyError(at, '"after" must be earlier than "before"');
  }
  return { ...(m.after !== undefined && { after: m.after }), ...(m.before !== undefined && { before: m.before }) };
}

function instant(s: string, at: readonly PathSegment[]): number {
  const t = parseInstant(s);
  if (t === null)
    throw new PolicyError(
      at,
      `"${s}" is not a date and time such as 2025-01-02T16:20:00Z (without an offset it is read as UTC)`,
    );
  return t;
}

function normalizeTimeOfDay(m: TimeOfDayMatch, at: readonly PathSegment[]): TimeOfDayMatch {
  if (canonicalTimeZone(m.timezone) === null) {
    throw new PolicyError(
      [...at, 'timezone'],
      `unknown time zone "${m.timezone}" (use an IANA name such as Europe/Paris)`,
    );
  }
  const clock = (s: string, k: string) => {
    const t = parseTimeOfDay(s);
    if (t === null) throw new PolicyError([...at, k], `"${s}" is not a time of day such as 17:00, 2:20:00 or 4:30PM`);
    return t;
  };
  const after = m.after === undefined ? undefined : clock(m.after, 'after');
  const before = m.before === undefined ? undefined : clock(m.before, 'before');
  if (after !== undefined && after === before) throw new PolicyError(at, '"after" and "before" are the same time');
  return {
    timezone: m.timezone,
    ...(m.after !== undefined && { after: m.after }),
    ...(m.before !== undefined && { before: m.before }),
  };
}
