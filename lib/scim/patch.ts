// SCIM PATCH (RFC 7644 §3.5.2) applied to a resource held as canonical JSON. The result
// is validated by the caller exactly like a PUT body, so PATCH cannot store what PUT
// would refuse.
//
// Interop choices:
// - op names are case-insensitive (Entra sends "Replace", "Add", "Remove").
// - without a path, each key of the value is a path of its own (Entra sends
//   {"name.givenName": "x"}; Okta sends {"active": false}); unknown keys are ignored.
// - with a path, an attribute outside the schema is refused (400 invalidPath); standard
//   attributes Postern does not store are accepted and dropped.
// - add/replace on `attr[sub eq "v"]...` with no matching element creates one (Entra
//   sets `emails[type eq "work"].value` on users without a work address).
// - remove with a filter that matches nothing, or of a value that is absent, is a no-op:
//   IdPs retry operations, and the outcome they want already holds.
// - remove on a multi-valued attribute with a value list removes those values (Entra's
//   {"op":"Remove","path":"members","value":[{"value":"id"}]}).
import { badRequest } from '@/lib/scim/errors';
import { matches, parsePath, toBoolean, type AttrPath, type Comparison } from '@/lib/scim/path';
import { canonicalSub, canonicalValue, getKey, isObject, requireSchema, type Json } from '@/lib/scim/resource';
import { findAttr, URN, type AttrDef, type ResourceSchema } from '@/lib/scim/schema';

export type PatchOpName = 'add' | 'replace' | 'remove';
export interface PatchOperation {
  op: PatchOpName;
  path?: string;
  value?: unknown;
}

const MAX_OPERATIONS = 1000;

export function parsePatchBody(body: unknown): PatchOperation[] {
  const ops = getKey(requireSchema(body, URN.patchOp), 'Operations');
  if (!Array.isArray(ops) || ops.length === 0)
    throw badRequest('invalidSyntax', '"Operations" must be a non-empty array.');
  if (ops.length > MAX_OPERATIONS)
    throw badRequest('invalidSyntax', `At most ${MAX_OPERATIONS} operations per request.`);
  return ops.map((raw, i) => {
    if (!isObject(raw)) throw badRequest('invalidSyntax', `Operation ${i + 1} must be an object.`);
    const op = getKey(raw, 'op');
    const name = typeof op === 'string' ? op.toLowerCase() : '';
    if (name !== 'add' && name !== 'replace' && name !== 'remove')
      throw badRequest('invalidSyntax', `Operation ${i + 1} has an unknown op ${JSON.stringify(op)}.`);
    const path = getKey(raw, 'path');
    if (path !== undefined && typeof path !== 'string')
      throw badRequest('invalidPath', `Operation ${i + 1} has a path that is not a string.`);
    return { op: name, path: path === '' ? undefined : path, value: getKey(raw, 'value') };
  });
}

export function applyPatch(resource: Json, ops: readonly PatchOperation[], schema: ResourceSchema): Json {
  const out = structuredClone(resource);
  for (const { op, path, value } of ops) {
    if (path !== undefined) {
      applyAt(out, op, parsePath(path), value, schema, false);
      continue;
    }
    if (op === 'remove') throw badRequest('noTarget', 'A remove operation needs a path.');
    if (!isObject(value))
      throw badRequest('invalidValue', 'Without a path, the value must be an object of attributes.');
    applyObject(out, op, value, schema);
  }
  return out;
}

function applyObject(res: Json, op: PatchOpName, value: Json, schema: ResourceSchema) {
  for (const [key, v] of Object.entries(value)) {
    let p: AttrPath;
    try {
      p = parsePath(key);
    } catch {
      continue; // not an attribute name: ignored like any unknown attribute
    }
    applyAt(res, op, p, v, schema, true);
  }
}

function applyAt(res: Json, op: PatchOpName, p: AttrPath, value: unknown, schema: ResourceSchema, lenient: boolean) {
  const refuse = (detail: string) => {
    if (!lenient) throw badRequest('invalidPath', detail);
  };
  if (p.urn && p.urn !== schema.urn) {
    if (!schema.ignoredExtensions.includes(p.urn))
      refuse(`Schema ${p.urn} does not apply to ${schema.name} resources.`);
    return;
  }
  if (p.attr === null) {
    if (op !== 'remove' && isObject(value)) applyObject(res, op, value, schema);
    else refuse(`Operation ${op} needs an attribute path, not only a schema URN.`);
    return;
  }
  if (schema.ignored.has(p.attr.toLowerCase())) return;
  const def = findAttr(schema.attrs, p.attr);
  if (!def) return refuse(`Attribute "${p.attr}" is not supported on ${schema.name} resources.`);
  const sub = p.sub === null ? null : findAttr(def.sub, p.sub);
  if (p.sub !== null && !sub) return refuse(`"${def.name}" has no sub-attribute "${p.sub}".`);
  if (p.filter && (!def.multi || !findAttr(def.sub, p.filter.attr)))
    return refuse(`"${def.name}" cannot be filtered by "${p.filter.attr}".`);
  if (def.multi)
    res[def.name] = applyMulti(
      Array.isArray(res[def.name]) ? (res[def.name] as unknown[]) : [],
      op,
      def,
      p.filter,
      sub ?? null,
      value,
    );
  else applySingle(res, op, def, sub ?? null, value);
}

function applySingle(res: Json, op: PatchOpName, def: AttrDef, sub: AttrDef | null, value: unknown) {
  if (sub) {
    const obj = isObject(res[def.name]) ? { ...(res[def.name] as Json) } : {};
    if (op === 'remove') delete obj[sub.name];
    else obj[sub.name] = value;
    res[def.name] = obj;
  } else if (op === 'remove') {
    delete res[def.name];
  } else if (def.type === 'complex') {
    // add and replace both merge sub-attributes into a complex attribute (§3.5.2.1, §3.5.2.3).
    if (!isObject(value)) throw badRequest('invalidValue', `"${def.name}" must be an object.`);
    res[def.name] = { ...(isObject(res[def.name]) ? (res[def.name] as Json) : {}), ...canonicalSub(value, def.sub) };
  } else {
    res[def.name] = value;
  }
}

const keyOf = (def: AttrDef, el: unknown): unknown => {
  const v = isObject(el) ? el.value : el;
  return typeof v === 'string' && !findAttr(def.sub, 'value')?.caseExact ? v.toLowerCase() : v;
};

/** The value of an operation as canonical elements; whole elements (not merged into a match) need a value. */
function elements(def: AttrDef, value: unknown, whole = true): Json[] {
  const list = canonicalValue(def, value);
  if (!Array.isArray(list) || !list.every(isObject))
    throw badRequest('invalidValue', `"${def.name}" values must be objects.`);
  if (whole && findAttr(def.sub, 'value') && list.some((e) => e.value === undefined || e.value === null)) {
    throw badRequest('invalidValue', `Each "${def.name}" value needs a "value".`);
  }
  return list;
}

/** Adds elements, one per value (the incoming one wins); a new primary element demotes the others. */
function merge(def: AttrDef, existing: unknown[], incoming: Json[]): unknown[] {
  const seen = new Set<unknown>();
  const fresh = incoming.filter((e) => {
    const k = keyOf(def, e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const demote = fresh.some((e) => toBoolean(e.primary) === true);
  const kept = existing
    .filter((el) => !seen.has(keyOf(def, el)))
    .map((el) => (demote && isObject(el) && 'primary' in el ? { ...el, primary: false } : el));
  return [...kept, ...fresh];
}

function applyMulti(
  list: unknown[],
  op: PatchOpName,
  def: AttrDef,
  filter: Comparison | null,
  sub: AttrDef | null,
  value: unknown,
): unknown[] {
  let out: unknown[];
  if (filter) {
    const hit = (el: unknown) => matches(el, filter, !!findAttr(def.sub, filter.attr)?.caseExact);
    const patchEl = (el: Json): Json =>
      sub ? { ...el, [sub.name]: value } : { ...el, ...elements(def, value, false)[0] };
    if (op === 'remove')
      out = sub ? list.map((el) => (hit(el) && isObject(el) ? omit(el, sub.name) : el)) : list.filter((el) => !hit(el));
    else if (list.some(hit)) out = list.map((el) => (hit(el) && isObject(el) ? patchEl(el) : el));
    else if (filter.value !== null) out = [...list, patchEl({ [findAttr(def.sub, filter.attr)!.name]: filter.value })];
    else throw badRequest('noTarget', `No "${def.name}" value matches the filter.`);
  } else if (sub) {
    // `emails.value` without a filter addresses every element (there is usually one).
    if (op === 'remove') out = list.map((el) => (isObject(el) ? omit(el, sub.name) : el));
    else
      out = list.length
        ? list.map((el) => (isObject(el) ? { ...el, [sub.name]: value } : el))
        : [{ [sub.name]: value }];
  } else if (op === 'remove') {
    if (value === undefined || value === null) out = [];
    else {
      const gone = new Set(elements(def, value).map((e) => keyOf(def, e)));
      out = list.filter((el) => !gone.has(keyOf(def, el)));
    }
  } else {
    out = merge(def, op === 'replace' ? [] : list, elements(def, value));
  }
  // An element whose value was removed is no element at all.
  return findAttr(def.sub, 'value')
    ? out.filter((el) => !isObject(el) || (el.value !== undefined && el.value !== null))
    : out;
}

function omit(el: Json, key: string): Json {
  const { [key]: _dropped, ...rest } = el;
  return rest;
}
