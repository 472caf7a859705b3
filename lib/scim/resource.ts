// Shape checks shared by POST, PUT and PATCH bodies. Attribute names are case-insensitive
// (RFC 7643 §2.1): bodies are rewritten to the canonical names, dropping what Postern
// does not store, before validation.
import { z } from 'zod';
import { badRequest } from '@/lib/scim/errors';
import { findAttr, type AttrDef, type ResourceSchema } from '@/lib/scim/schema';

/** An optional text attribute: trimmed, at most `max` characters. */
export const optionalText = (max: number) => z.string().trim().max(max, `Use at most ${max} characters.`).nullish();

/** The attribute a resource is known by (userName, displayName): required, trimmed, at most 256 characters. */
export const requiredName = (attr: string) =>
  z
    .string({ error: `${attr} is required.` })
    .trim()
    .min(1, `${attr} is required.`)
    .max(256, 'Use at most 256 characters.');

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A member of an object by case-insensitive name. */
export function getKey(obj: Json, name: string): unknown {
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

/** The body must be an object whose `schemas` lists the expected URN (others, e.g. extensions, may follow). */
export function requireSchema(body: unknown, urn: string): Json {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'The request body must be a JSON object.');
  const schemas = getKey(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === urn.toLowerCase())) {
    throw badRequest('invalidSyntax', `The "schemas" attribute must contain "${urn}".`);
  }
  return body;
}

/** Sub-attributes under their canonical names; unknown ones dropped. */
export function canonicalSub(obj: Json, subs: readonly AttrDef[] | undefined): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) {
    const def = findAttr(subs, k);
    if (def) out[def.name] = v;
  }
  return out;
}

/** One attribute's value with canonical sub-attribute names; wrong shapes are left for validation to refuse. */
export function canonicalValue(def: AttrDef, v: unknown): unknown {
  if (def.type !== 'complex') return v;
  if (def.multi) {
    const list = Array.isArray(v) ? v : isObject(v) ? [v] : v;
    return Array.isArray(list) ? list.map((e) => (isObject(e) ? canonicalSub(e, def.sub) : e)) : list;
  }
  return isObject(v) ? canonicalSub(v, def.sub) : v;
}

/**
 * A resource body with canonical attribute names. Unknown attributes, read-only ones
 * and extension schemas are dropped, not refused: IdPs send more than we keep.
 */
export function canonicalResource(body: Json, schema: ResourceSchema): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(body)) {
    const lower = k.toLowerCase();
    if (lower.startsWith('urn:')) {
      if (lower === schema.urn.toLowerCase() && isObject(v)) Object.assign(out, canonicalResource(v, schema));
      continue;
    }
    if (schema.ignored.has(lower)) continue;
    const def = findAttr(schema.attrs, k);
    if (def) out[def.name] = canonicalValue(def, v);
  }
  return out;
}
