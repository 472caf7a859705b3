// Attribute paths and filters (RFC 7644 §3.4.2.2, §3.5.2): the subset IdPs send.
// `userName eq "x"`, `emails[type eq "work"].value eq "x"`, `members[value eq "id"]`,
// `name.givenName`, and URN-qualified forms of each. Only `eq` comparisons are supported.
import { badRequest, type ScimType } from '@/lib/scim/errors';
import { URN } from '@/lib/scim/schema';

export type FilterValue = string | boolean | number | null;
export interface Comparison {
  attr: string;
  value: FilterValue;
}
export interface AttrPath {
  /** The schema URN the path was qualified with, if any. */
  urn: string | null;
  /** null when the path is only a schema URN (PATCH values keyed by an extension URN). */
  attr: string | null;
  filter: Comparison | null;
  sub: string | null;
}

const KNOWN_URNS = [URN.user, URN.group, URN.enterpriseUser];
const VALUE = String.raw`"(?:[^"\\]|\\.)*"|true|false|null|-?\d+(?:\.\d+)?`;
// A path is non-blank characters, or a bracketed value filter that may hold quoted blanks.
const PATH = String.raw`(?:[^\s\["]|\[(?:[^\]"]|"(?:[^"\\]|\\.)*")*\])+`;
const COMPARISON = new RegExp(String.raw`^\s*(${PATH})\s+([a-z]{2})(?:\s+(${VALUE}))?\s*$`, 'is');
const ATTR_EXPR = /^([A-Za-z$][\w$-]*)(?:\[(.*)\])?(?:\.([A-Za-z$][\w$-]*))?$/s;
const MAX_LENGTH = 1000;

function parseValue(raw: string, kind: ScimType): FilterValue {
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (raw.startsWith('"')) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      throw badRequest(kind, 'The filter has a malformed string.');
    }
  }
  return Number(raw);
}

function parseComparison(text: string, kind: ScimType): { path: string; value: FilterValue } {
  const m = COMPARISON.exec(text);
  if (!m) throw badRequest(kind, `Unsupported filter ${JSON.stringify(text.slice(0, 200))}: use attribute eq "value".`);
  const [, path, op, value] = m;
  if (op!.toLowerCase() !== 'eq' || value === undefined)
    throw badRequest(kind, `Unsupported filter operator "${op}": only eq is supported.`);
  return { path: path!, value: parseValue(value, kind) };
}

/** Splits a (possibly URN-qualified) attribute path into attribute, value filter and sub-attribute. */
export function parsePath(raw: string, kind: ScimType = 'invalidPath'): AttrPath {
  let rest = raw.trim();
  if (!rest || rest.length > MAX_LENGTH) throw badRequest(kind, 'The attribute path is empty or too long.');
  let urn: string | null = null;
  if (rest.toLowerCase().startsWith('urn:')) {
    const lower = rest.toLowerCase();
    urn = KNOWN_URNS.find((u) => lower === u.toLowerCase() || lower.startsWith(`${u.toLowerCase()}:`)) ?? null;
    if (!urn) throw badRequest(kind, `Unknown schema in path ${JSON.stringify(raw.slice(0, 200))}.`);
    rest = rest.slice(urn.length + 1);
    if (!rest) return { urn, attr: null, filter: null, sub: null };
  }
  const m = ATTR_EXPR.exec(rest);
  if (!m) throw badRequest(kind, `Invalid attribute path ${JSON.stringify(raw.slice(0, 200))}.`);
  const [, attr, filterText, sub] = m;
  let filter: Comparison | null = null;
  if (filterText !== undefined) {
    const c = parseComparison(filterText, kind);
    if (!/^[A-Za-z$][\w$-]*$/.test(c.path)) throw badRequest(kind, 'A value filter may only compare a sub-attribute.');
    filter = { attr: c.path, value: c.value };
  }
  return { urn, attr: attr!, filter, sub: sub ?? null };
}

/** A list filter: one `eq` comparison on an attribute path. */
export function parseFilter(raw: string): { path: AttrPath; value: FilterValue } {
  if (raw.length > MAX_LENGTH) throw badRequest('invalidFilter', 'The filter is too long.');
  const { path, value } = parseComparison(raw, 'invalidFilter');
  return { path: parsePath(path, 'invalidFilter'), value };
}

/** RFC 7643 booleans, plus the strings Entra ID sends ("True", "False"). */
export function toBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  return undefined;
}

/** Does a multi-valued attribute's element satisfy `sub eq value`? Strings compare case-insensitively unless caseExact. */
export function matches(element: unknown, c: Comparison, caseExact = false): boolean {
  if (!element || typeof element !== 'object') return false;
  const key = Object.keys(element).find((k) => k.toLowerCase() === c.attr.toLowerCase());
  const actual = key === undefined ? undefined : (element as Record<string, unknown>)[key];
  if (c.value === null) return actual === undefined || actual === null;
  if (typeof c.value === 'boolean') return toBoolean(actual) === c.value;
  if (typeof c.value === 'number') return actual === c.value;
  if (typeof actual !== 'string') return false;
  return caseExact ? actual === c.value : actual.toLowerCase() === c.value.toLowerCase();
}

/**
 * A list filter on a core attribute of one resource type (its schema URN, or none),
 * compared with a quoted string; null when there is no filter. Which attributes it may
 * name is the resource's business: `read` turns the comparison into its filter.
 */
export function coreFilter<F>(
  raw: string | null,
  resource: { name: string; urn: string },
  read: (path: AttrPath, value: string) => F,
): F | null {
  if (raw === null || !raw.trim()) return null;
  const { path, value } = parseFilter(raw);
  if (path.urn && path.urn !== resource.urn)
    throw badRequest('invalidFilter', `Only core ${resource.name} attributes can be filtered.`);
  if (typeof value !== 'string') throw badRequest('invalidFilter', 'Compare with a quoted string.');
  return read(path, value);
}

/** The stored field a filter's plain attribute names, from the resource's map (lower-case SCIM name → field). */
export function filterField<F extends string>(fields: Record<string, F | undefined>, path: AttrPath): F {
  const field = path.filter || path.sub ? undefined : fields[path.attr?.toLowerCase() ?? ''];
  if (!field) throw badRequest('invalidFilter', `Filtering on "${path.attr}" is not supported.`);
  return field;
}
