// Pomerium route configuration → Postern routes and policies (pure; no database).
//
// Reads a `routes:` list (or the legacy top-level `policy:` list, or one route), turns
// each route's `policy` plus its legacy access options into PPL as Pomerium's
// config.Policy.ToPPL() does, and says what it skips or ignores and why. Rules that a
// Postern export marked with `# Postern policy "<name>" (optional|enforced)` comments are
// split back into those named policies, so import(export(ns)) recreates them.
import { isMap, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { parsePolicy, printPolicy, PolicyError } from '@/lib/policy';
import { exceedsNesting } from '@/lib/policy/yaml-source';
import { policyToValue } from '@/lib/policy/print';
import { parseFrom } from '@/lib/schemas/route';
import { isPlainObject } from '@/lib/policy/errors';

export const MAX_IMPORT_BYTES = 1024 * 1024;
export const MAX_IMPORT_ROUTES = 500;

export class ImportError extends Error {
  override readonly name = 'ImportError';
}

export interface PlannedPolicy {
  /** Key within the plan; also the preferred name. */
  name: string;
  enforced: boolean;
  /** Canonical PPL (printPolicy). */
  ppl: string;
}

export interface PlannedRoute {
  /** 1-based position in the file. */
  index: number;
  name: string;
  /** Postern's From: https://host[/prefix] */
  from: string;
  host: string;
  pathPrefix: string;
  to: string[];
  /** Names of the plan's policies this route picks (optional ones) or needs (enforced ones). */
  policies: string[];
  /** Options present on the route that Postern does not use, by name. */
  ignored: string[];
  /** Changes of meaning worth knowing (e.g. a prefix ending in a slash). */
  notes: string[];
}

export interface SkippedRoute {
  index: number;
  from: string;
  reason: string;
}

export interface ImportPlan {
  routes: PlannedRoute[];
  policies: PlannedPolicy[];
  skipped: SkippedRoute[];
}

/** Options whose meaning Postern takes over (access) or that describe the route itself. */
const HANDLED = new Set([
  'from',
  'to',
  'prefix',
  'name',
  'description',
  'policy',
  'allowed_users',
  'allowed_domains',
  'allowed_idp_claims',
  'allow_any_authenticated_user',
  'allow_public_unauthenticated_access',
  'cors_allow_preflight',
  'sub_policies',
]);

const MARKER = /^\s*Postern policy "((?:[^"\\]|\\.)*)"\s*\((optional|enforced)\)/;

function load(text: string): { value: unknown; doc: Document.Parsed } {
  if (new TextEncoder().encode(text).length > MAX_IMPORT_BYTES)
    throw new ImportError(`The file is larger than ${MAX_IMPORT_BYTES / 1024} KB.`);
  if (!text.trim()) throw new ImportError('The file is empty.');
  if (exceedsNesting(text, 128)) throw new ImportError('The file is nested too deeply to be a Pomerium configuration.');
  const doc = parseDocument(text, { version: '1.2', schema: 'core', prettyErrors: false });
  const first = doc.errors[0];
  if (first) throw new ImportError(`The file is not valid YAML: ${first.message.split('\n')[0]}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    throw new ImportError('The file uses too many YAML aliases.');
  }
  return { value, doc };
}

/** The list of routes and their YAML nodes (for comments). */
function routesOf(value: unknown, doc: Document.Parsed): { raw: unknown[]; nodes: (YAMLMap | undefined)[] } {
  const seqAt = (key: string) => {
    const n = doc.get(key, true);
    return isSeq(n) ? (n as YAMLSeq) : undefined;
  };
  if (isPlainObject(value)) {
    for (const key of ['routes', 'policy']) {
      if (key === 'policy' && 'from' in value) break; // a single route with a PPL policy
      if (Array.isArray(value[key])) {
        const seq = seqAt(key);
        return {
          raw: value[key] as unknown[],
          nodes: (value[key] as unknown[]).map((_, i) => {
            const n = seq?.items[i];
            return isMap(n) ? (n as YAMLMap) : undefined;
          }),
        };
      }
    }
    if ('from' in value) return { raw: [value], nodes: [isMap(doc.contents) ? (doc.contents as YAMLMap) : undefined] };
    throw new ImportError('No routes found: expected a "routes:" list (or a single route with "from" and "to").');
  }
  if (Array.isArray(value)) {
    const seq = isSeq(doc.contents) ? (doc.contents as YAMLSeq) : undefined;
    return {
      raw: value,
      nodes: value.map((_, i) => {
        const n = seq?.items[i];
        return isMap(n) ? (n as YAMLMap) : undefined;
      }),
    };
  }
  throw new ImportError('No routes found: expected a "routes:" list (or a single route with "from" and "to").');
}

const strings = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).filter((x): x is string => typeof x === 'string');

/** The rule Pomerium builds from the legacy options (config.Policy.ToPPL), or null when it has none. */
function legacyRule(route: Record<string, unknown>): { rule: Record<string, unknown> | null; used: string[] } {
  const or: Record<string, unknown>[] = [];
  const used: string[] = [];
  const subs = Array.isArray(route.sub_policies) ? route.sub_policies.filter(isPlainObject) : [];
  const all = (key: string) => [route, ...subs].flatMap((o) => strings(o[key]));
  if (route.allow_public_unauthenticated_access === true) or.push({ accept: true });
  if (route.cors_allow_preflight === true) or.push({ cors_preflight: true });
  if (route.allow_any_authenticated_user === true) or.push({ authenticated_user: true });
  for (const d of all('allowed_domains')) or.push({ domain: { is: d } });
  for (const claims of [route, ...subs].map((o) => o.allowed_idp_claims).filter(isPlainObject)) {
    for (const k of Object.keys(claims).sort())
      for (const v of Array.isArray(claims[k]) ? claims[k] : [claims[k]])
        or.push({ [`claim/${k}`]: typeof v === 'string' ? v : String(v) });
  }
  for (const u of all('allowed_users')) or.push({ user: { is: u } }, { email: { is: u } });
  for (const k of [
    'allow_public_unauthenticated_access',
    'cors_allow_preflight',
    'allow_any_authenticated_user',
    'allowed_domains',
    'allowed_idp_claims',
    'allowed_users',
    'sub_policies',
  ]) {
    if (route[k] !== undefined && route[k] !== false) used.push(k);
  }
  return { rule: or.length ? { allow: { or } } : null, used };
}

function commentOf(seq: YAMLSeq, i: number): string | undefined {
  const item = seq.items[i] as { commentBefore?: string | null } | undefined;
  // yaml attaches a comment above the first item to the list itself.
  return item?.commentBefore ?? (i === 0 ? (seq.commentBefore ?? undefined) : undefined);
}

interface Group {
  marker: { name: string; enforced: boolean } | null;
  rules: unknown[];
}

/** The route's `policy` rules, split at export markers. */
function policyGroups(raw: unknown, node: YAMLMap | undefined): Group[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  const seq = node?.get('policy', true);
  const groups: Group[] = [];
  list.forEach((rule, i) => {
    const m = isSeq(seq)
      ? MARKER.exec(
          commentOf(seq as YAMLSeq, i)
            ?.split('\n')
            .find((l) => MARKER.test(l)) ?? '',
        )
      : null;
    if (m)
      groups.push({
        marker: { name: JSON.parse(`"${m[1]}"`) as string, enforced: m[2] === 'enforced' },
        rules: [rule],
      });
    else if (groups.length) groups[groups.length - 1]!.rules.push(rule);
    else groups.push({ marker: null, rules: [rule] });
  });
  return groups;
}

function upstreams(v: unknown): { urls: string[]; weighted: boolean } | string {
  const list = strings(v);
  if (!list.length) return 'it has no "to" upstream (redirect and direct-response routes have no upstream to protect)';
  let weighted = false;
  const urls: string[] = [];
  for (const entry of list) {
    // Pomerium's weighted form: "http://a:8080,10".
    const m = /^(.*),(\d+)$/.exec(entry.trim());
    if (m) weighted = true;
    const url = (m ? m[1]! : entry).trim();
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return `its upstream "${url.slice(0, 80)}" is not a URL`;
    }
    if (!['http:', 'https:'].includes(u.protocol) || u.search || u.hash || u.username)
      return `its upstream "${url.slice(0, 80)}" is not an http(s) URL without query or credentials`;
    urls.push(url);
  }
  if (urls.length > 20) return 'it has more than 20 upstreams';
  return { urls, weighted };
}

export function planPomeriumImport(text: string): ImportPlan {
  const { value, doc } = load(text);
  const { raw, nodes } = routesOf(value, doc);
  if (raw.length > MAX_IMPORT_ROUTES)
    throw new ImportError(`The file has ${raw.length} routes; at most ${MAX_IMPORT_ROUTES} can be imported at once.`);
  const plan: ImportPlan = { routes: [], policies: [], skipped: [] };
  const byName = new Map<string, PlannedPolicy>();
  const addPolicy = (wanted: string, enforced: boolean, ppl: string): string => {
    for (let n = 1; ; n++) {
      const name = n === 1 ? wanted : `${wanted} (${n})`;
      const had = byName.get(name.toLowerCase());
      if (!had) {
        const p = { name, enforced, ppl };
        byName.set(name.toLowerCase(), p);
        plan.policies.push(p);
        return name;
      }
      if (had.ppl === ppl && had.enforced === enforced) return had.name;
    }
  };

  // Returns early (with the skip) for a route that cannot be imported.
  const planRoute = (r: unknown, i: number) => {
    const index = i + 1;
    if (!isPlainObject(r)) {
      plan.skipped.push({ index, from: '', reason: 'it is not a mapping of route options' });
      return;
    }
    const fromRaw = typeof r.from === 'string' ? r.from.trim() : '';
    const skip = (reason: string) => plan.skipped.push({ index, from: fromRaw, reason });
    if (!fromRaw) return skip('it has no "from" URL');
    const scheme = /^([a-z0-9+.-]+):\/\//i.exec(fromRaw)?.[1]?.toLowerCase();
    if (scheme && scheme !== 'https') {
      return skip(
        scheme === 'http'
          ? 'its "from" is plain http: Postern routes are https only'
          : `its "from" is ${scheme}: TCP/UDP tunnels are not HTTP requests, and Postern's verify endpoints judge HTTP requests only`,
      );
    }
    for (const k of ['path', 'regex'] as const) {
      if (typeof r[k] === 'string' && r[k])
        return skip(`it matches by "${k}": Postern routes match a host and a path prefix only`);
    }
    let url: URL;
    try {
      url = new URL(fromRaw);
    } catch {
      return skip('its "from" is not a URL');
    }
    if (url.hostname.startsWith('*')) return skip('its "from" has a wildcard host: Postern routes name one host');
    if (url.pathname !== '/' && url.pathname !== '')
      return skip('its "from" has a path (Pomerium refuses that too; use "prefix")');
    const prefix = typeof r.prefix === 'string' && r.prefix ? r.prefix : '/';
    const parsed = parseFrom(`https://${url.host}${prefix === '/' ? '' : prefix}`);
    if (typeof parsed === 'string') return skip(parsed);
    const to = upstreams(r.to);
    if (typeof to === 'string') return skip(to);
    const notes: string[] = [];
    if (to.weighted) notes.push('load-balancing weights in "to" are dropped');
    if (prefix !== '/' && prefix.endsWith('/'))
      notes.push(`prefix ${prefix} becomes ${parsed.pathPrefix}, which also matches ${parsed.pathPrefix} itself`);
    if (prefix !== '/' && !prefix.endsWith('/'))
      notes.push(`prefix ${prefix} matches whole path segments in Postern (${prefix}/x, not ${prefix}x)`);

    const { rule: legacy, used } = legacyRule(r);
    const groups = policyGroups(r.policy, nodes[i]);
    // Pomerium: the legacy rule is kept when it has criteria, or when there is no PPL (then it matches nothing).
    const routeName = (
      typeof r.name === 'string' && r.name.trim() ? r.name.trim() : parsed.url.replace(/^https:\/\//, '')
    ).slice(0, 100);
    if (legacy) {
      const unmarked = groups.find((g) => !g.marker);
      if (unmarked) unmarked.rules.unshift(legacy);
      else groups.unshift({ marker: null, rules: [legacy] });
    }
    const picked: string[] = [];
    for (const g of groups) {
      let ppl: string;
      try {
        const p = parsePolicy(g.rules);
        if (p.rules.length === 0 && !g.marker) continue; // an empty policy allows nobody, as no policy does
        ppl = printPolicy(p);
      } catch (e) {
        const why = e instanceof PolicyError ? e.message : 'it could not be read';
        return skip(`its policy is not one Postern can enforce: ${why}`);
      }
      picked.push(addPolicy(g.marker?.name ?? routeName, g.marker?.enforced ?? false, ppl));
    }
    const ignored = Object.keys(r).filter((k) => !HANDLED.has(k));
    plan.routes.push({
      index,
      name: routeName,
      from: parsed.url,
      host: parsed.host,
      pathPrefix: parsed.pathPrefix,
      to: to.urls,
      policies: [...new Set(picked)],
      ignored,
      notes: used.length ? [...notes, `legacy options turned into PPL: ${used.join(', ')}`] : notes,
    });
  };
  for (const [i, r] of raw.entries()) planRoute(r, i);
  return plan;
}

/** PPL value of a stored policy, for callers that combine or compare policies. */
export const pplValue = (ppl: string): unknown => policyToValue(parsePolicy(ppl));
