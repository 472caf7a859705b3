// Compiles a validated policy into closures once, so evaluation only compares values:
// Sets for in/not_in, CIDRs as numeric ranges, instants as epoch ms, zones resolved.
import { compileIpRanges } from './cidr';
import { F, T, U, certOf, headerOf, holds, ipOf, methodOf, pathOf, type Ctx, type Tri } from './context';
import { canonicalTimeZone, dayOfWeekIn, parseDays, parseInstant, parseTimeOfDay, timeOfDayIn } from './time';
import {
  OPERATORS,
  type Block,
  type CertificateMatch,
  type ClientCertificate,
  type Criterion,
  type Item,
  type ListMatch,
  type Operator,
  type Policy,
  type StringMatch,
} from './types';

export type Test = (ctx: Ctx) => Tri;

export type CNode =
  | { readonly kind: 'criterion'; readonly path: string; readonly describe: string; readonly test: Test }
  | {
      readonly kind: 'operator';
      readonly op: Operator;
      readonly path: string;
      readonly children: readonly CNode[];
      readonly test: Test;
    }
  | { readonly kind: 'block'; readonly path: string; readonly children: readonly CNode[]; readonly test: Test };

export interface CompiledRules {
  readonly allow: readonly CNode[];
  readonly deny: readonly CNode[];
  readonly allowTest: Test;
  readonly denyTest: Test;
  /** What of a request any of its criteria may read (READS bits, OR-ed). */
  readonly reads: number;
}

/**
 * What of a request a criterion reads, as bits: a decision depends on nothing else, so a
 * caller may reuse it for any request that agrees on these (lib/verify/decision-memo.ts).
 */
export const READS = {
  /** Whether there is a caller, and its id, email, groups. */
  user: 1,
  /** The caller's token claims (claim/*). */
  claims: 2,
  method: 4,
  path: 8,
  sourceIp: 16,
  /** Origin and Access-Control-Request-Method. */
  headers: 32,
  clientCertificate: 64,
  /** The clock (date, day_of_week, time_of_day): the evaluation says until when (Ctx.until). */
  time: 128,
} as const;

export function criterionReads(c: Criterion): number {
  switch (c.name) {
    case 'accept':
    case 'reject':
      return 0;
    case 'authenticated_user':
    case 'user':
    case 'email':
    case 'domain':
    case 'groups':
      return READS.user;
    case 'claim':
      return READS.user | READS.claims;
    case 'http_method':
      return READS.method;
    case 'http_path':
      return READS.path;
    case 'source_ip':
      return READS.sourceIp;
    case 'cors_preflight':
      return READS.method | READS.headers;
    case 'client_certificate':
    case 'invalid_client_certificate':
      return READS.clientCertificate;
    case 'date':
    case 'day_of_week':
    case 'time_of_day':
      return READS.time;
    default:
      // A criterion added without a line here reads everything (the certificate
      // included), so no decision on a route that uses it is ever reused.
      return 0xff;
  }
}

function readsOf(item: Item): number {
  if (item.kind !== 'block') return criterionReads(item);
  let r = 0;
  for (const op of OPERATORS) for (const i of item[op] ?? []) r |= readsOf(i);
  return r;
}

const DAY_MS = 86_400_000;
const EMPTY: readonly string[] = [];

/**
 * Kleene logic: U (unknown) spreads unless a definite value decides the operator. The
 * first test that answers `decisive` ends the scan with `then`; with none, the answer is
 * `otherwise`, or U when some test answered U.
 */
const kleene =
  (decisive: Tri, then: Tri, otherwise: Tri) =>
  (ts: readonly Test[]): Test =>
  (ctx) => {
    let r = otherwise;
    for (const t of ts) {
      const v = t(ctx);
      if (v === decisive) return then;
      if (v === U) r = U;
    }
    return r;
  };
const and = kleene(F, F, T);
const or = kleene(T, T, F);
/** NOR: true when none match. */
const nor = kleene(T, F, T);
/** NAND: true when at least one does not match. */
const nand = kleene(F, T, F);
const COMBINE: Record<Operator, (ts: readonly Test[]) => Test> = { and, or, not: nor, nor: nand };
const never: Test = () => F;

export function combineOr(ts: readonly Test[]): Test {
  return ts.length === 1 ? (ts[0] as Test) : or(ts);
}

export function compileRules(policy: Policy): CompiledRules {
  const allow: CNode[] = [];
  const deny: CNode[] = [];
  policy.rules.forEach((rule, i) => {
    const prefix = policy.rules.length === 1 ? '' : `[${i}].`;
    if (rule.allow) allow.push(compileBlock(rule.allow, `${prefix}allow`));
    if (rule.deny) deny.push(compileBlock(rule.deny, `${prefix}deny`));
  });
  const none: Test = () => F;
  let reads = 0;
  for (const rule of policy.rules) {
    if (rule.allow) reads |= readsOf(rule.allow);
    if (rule.deny) reads |= readsOf(rule.deny);
  }
  return {
    allow,
    deny,
    allowTest: allow.length ? combineOr(allow.map((n) => n.test)) : none,
    denyTest: deny.length ? combineOr(deny.map((n) => n.test)) : none,
    reads,
  };
}

function compileBlock(block: Block, path: string): CNode {
  const children: CNode[] = [];
  for (const op of OPERATORS) {
    const items = block[op];
    if (!items) continue;
    const at = `${path}.${op}`;
    const kids = items.map((item, i) => compileItem(item, `${at}[${i}]`));
    // An empty list matches nothing, whatever the operator (Pomerium leaves it out).
    const test = kids.length ? COMBINE[op](kids.map((k) => k.test)) : never;
    children.push({ kind: 'operator', op, path: at, children: kids, test });
  }
  return { kind: 'block', path, children, test: children.length ? combineOr(children.map((c) => c.test)) : never };
}

function compileItem(item: Item, path: string): CNode {
  if (item.kind === 'block') return compileBlock(item, path);
  return { kind: 'criterion', path, describe: describeCriterion(item), test: compileCriterion(item) };
}

const q = (s: string) => JSON.stringify(s);

export function describeMatch(m: object): string {
  return Object.entries(m)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? `[${v.map((s: string) => q(s)).join(', ')}]` : q(String(v))}`)
    .join(' and ');
}

export function describeCriterion(c: Criterion): string {
  if (c.value === true) return c.name; // the criteria that take no value
  switch (c.name) {
    case 'client_certificate': {
      const parts = Object.entries(c.value).map(([k, v]) =>
        Array.isArray(v) ? `${k} in [${v.map((s: string) => q(s)).join(', ')}]` : `${k} ${describeMatch(v as object)}`,
      );
      return `client_certificate ${parts.length ? parts.join(' and ') : 'presented'}`;
    }
    case 'claim':
      return `claim/${c.key} ${describeMatch(c.value)}`;
    case 'source_ip':
      return `source_ip in [${c.value.join(', ')}]`;
    case 'day_of_week':
      return `day_of_week ${c.value}${c.timezone ? ` (${c.timezone})` : ' (UTC)'}`;
    case 'time_of_day': {
      const { timezone, ...rest } = c.value;
      return `time_of_day ${describeMatch(rest)} (${timezone})`;
    }
    default:
      return `${c.name} ${describeMatch(c.value)}`;
  }
}

export function stringTest(m: StringMatch): (s: string) => boolean {
  const preds: ((s: string) => boolean)[] = [];
  const { is, starts_with, ends_with, contains, not } = m;
  if (is !== undefined) preds.push((s) => s === is);
  if (starts_with !== undefined) preds.push((s) => s.startsWith(starts_with));
  if (ends_with !== undefined) preds.push((s) => s.endsWith(ends_with));
  if (contains !== undefined) preds.push((s) => s.includes(contains));
  if (m.in !== undefined) {
    const set = new Set(m.in);
    preds.push((s) => set.has(s));
  }
  if (m.not_in !== undefined) {
    const set = new Set(m.not_in);
    preds.push((s) => !set.has(s));
  }
  if (not !== undefined) preds.push((s) => s !== not);
  return preds.length === 1 ? (preds[0] as (s: string) => boolean) : (s) => preds.every((p) => p(s));
}

// Claims are lists; a scalar claim is a one-element list. Numbers and booleans compare
// by their text so `claim/org_id: "42"` matches a numeric claim.
const same = (item: unknown, v: string) =>
  item === v || ((typeof item === 'number' || typeof item === 'boolean') && String(item) === v);

function includes(raw: unknown, v: string): boolean {
  if (Array.isArray(raw)) {
    for (const item of raw) if (same(item, v)) return true;
    return false;
  }
  return same(raw, v);
}

function listTest(m: ListMatch): (raw: unknown) => boolean {
  const preds: ((raw: unknown) => boolean)[] = [];
  const { has, is, exclude } = m;
  if (has !== undefined) preds.push((raw) => includes(raw, has));
  if (is !== undefined) {
    preds.push((raw) => (Array.isArray(raw) ? raw.length === 1 && same(raw[0], is) : same(raw, is)));
  }
  if (exclude !== undefined) preds.push((raw) => !includes(raw, exclude));
  return preds.length === 1 ? (preds[0] as (raw: unknown) => boolean) : (raw) => preds.every((p) => p(raw));
}

export function claimGetter(key: string): (claims: Record<string, unknown> | undefined) => unknown {
  // As Pomerium does: the whole key first, then "a/b" or "a.b" as a path into nested objects.
  const segments = key.split(/[./]/);
  return (claims) => {
    if (!claims) return undefined;
    if (Object.hasOwn(claims, key)) return claims[key];
    if (segments.length === 1) return undefined;
    let cur: unknown = claims;
    for (const s of segments) {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, s)) return undefined;
      cur = (cur as Record<string, unknown>)[s];
    }
    return cur;
  };
}

const tri = (b: boolean): Tri => (b ? T : F);

function certificateTest(m: CertificateMatch): (cert: ClientCertificate) => boolean {
  const preds: ((cert: ClientCertificate) => boolean)[] = [];
  if (m.fingerprint) {
    const set = new Set(m.fingerprint);
    preds.push((cert) => set.has(cert.fingerprint));
  }
  if (m.spki_hash) {
    const set = new Set(m.spki_hash);
    preds.push((cert) => set.has(cert.spkiHash));
  }
  // Some name of that type matches (Pomerium: cert.DNSNames[_] …).
  const san = (match: StringMatch | undefined, pick: (cert: ClientCertificate) => readonly string[]) => {
    if (!match) return;
    const p = stringTest(match);
    preds.push((cert) => pick(cert).some(p));
  };
  san(m.san_email, (cert) => cert.sanEmail);
  san(m.san_dns, (cert) => cert.sanDns);
  san(m.san_uri, (cert) => cert.sanUri);
  // A certificate that could not be read matches nothing, not even `client_certificate: {}`.
  return (cert) => cert.fingerprint !== '' && preds.every((p) => p(cert));
}

export function compileCriterion(c: Criterion): Test {
  switch (c.name) {
    case 'accept':
      return () => T;
    case 'reject':
      return () => F;
    case 'authenticated_user':
      return (ctx) => (ctx.user ? T : U);
    case 'user': {
      const p = stringTest(c.value);
      return (ctx) => (ctx.user ? tri(p(ctx.user.id)) : U);
    }
    case 'email': {
      const p = stringTest(c.value);
      return (ctx) => (ctx.user ? tri(p(ctx.user.email ?? '')) : U);
    }
    case 'domain': {
      const p = stringTest(c.value);
      return (ctx) => {
        if (!ctx.user) return U;
        const email = ctx.user.email ?? '';
        const at = email.lastIndexOf('@');
        return tri(p(at === -1 ? '' : email.slice(at + 1)));
      };
    }
    case 'groups': {
      const p = listTest(c.value);
      return (ctx) => (ctx.user ? tri(p(ctx.user.groups ?? EMPTY)) : U);
    }
    case 'claim': {
      const p = listTest(c.value);
      const get = claimGetter(c.key);
      return (ctx) => (ctx.user ? tri(p(get(ctx.user.claims) ?? EMPTY)) : U);
    }
    case 'http_method': {
      const p = stringTest(c.value);
      return (ctx) => tri(p(methodOf(ctx)));
    }
    case 'http_path': {
      const p = stringTest(c.value);
      return (ctx) => tri(p(pathOf(ctx)));
    }
    case 'source_ip': {
      const contains = compileIpRanges(c.value);
      // An unknown client address is neither in nor out of a range: it matches no allow
      // and, as an unknown, still denies in a deny block (fail closed).
      return (ctx) => {
        const ip = ipOf(ctx);
        return ip === null ? U : tri(contains(ip));
      };
    }
    case 'cors_preflight':
      return (ctx) =>
        tri(
          methodOf(ctx) === 'OPTIONS' &&
            headerOf(ctx, 'access-control-request-method') !== undefined &&
            headerOf(ctx, 'origin') !== undefined,
        );
    case 'client_certificate': {
      const p = certificateTest(c.value);
      return (ctx) => {
        const cert = certOf(ctx);
        return tri(cert !== null && p(cert));
      };
    }
    case 'invalid_client_certificate':
      return (ctx) => tri(!certOf(ctx)?.valid);
    case 'date': {
      // Half-open [after, before): adjacent windows do not overlap.
      const after = c.value.after === undefined ? -Infinity : (parseInstant(c.value.after) ?? NaN);
      const before = c.value.before === undefined ? Infinity : (parseInstant(c.value.before) ?? NaN);
      return (ctx) => {
        holds(ctx, ctx.now < after ? after : before);
        return tri(ctx.now >= after && ctx.now < before);
      };
    }
    case 'day_of_week': {
      const days = parseDays(c.value);
      const mask = 'mask' in days ? days.mask : 0;
      if (c.timezone !== undefined) {
        const zone = canonicalTimeZone(c.timezone);
        if (zone === null) throw new Error(`unknown time zone ${q(c.timezone)}`);
        return (ctx) => {
          holds(ctx, Number.POSITIVE_INFINITY);
          return tri(((mask >> dayOfWeekIn(zone, ctx.now)) & 1) === 1);
        };
      }
      // 1970-01-01 (day 0) was a Thursday (getUTCDay() = 4).
      return (ctx) => {
        holds(ctx, Number.POSITIVE_INFINITY);
        return tri(((mask >> ((((Math.floor(ctx.now / DAY_MS) + 4) % 7) + 7) % 7)) & 1) === 1);
      };
    }
    case 'time_of_day': {
      const zone = canonicalTimeZone(c.value.timezone);
      if (zone === null) throw new Error(`unknown time zone ${q(c.value.timezone)}`);
      const a = c.value.after === undefined ? null : parseTimeOfDay(c.value.after);
      const b = c.value.before === undefined ? null : parseTimeOfDay(c.value.before);
      return (ctx) => {
        const t = timeOfDayIn(zone, ctx.now);
        // The next boundary today, if any (a later one is past the next second).
        holds(ctx, ctx.now + Math.min(a !== null && a > t ? a - t : DAY_MS, b !== null && b > t ? b - t : DAY_MS));
        if (a === null) return tri(b !== null && t < b);
        if (b === null) return tri(t >= a);
        // after > before spans midnight: "after 22:00, before 06:00" is the night shift.
        return tri(a < b ? t >= a && t < b : t >= a || t < b);
      };
    }
  }
}
