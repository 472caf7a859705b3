// SCIM User ⇄ directory user. The directory keeps one name and one email, so the SCIM
// view is a projection: name → name.formatted and displayName, email → the one primary
// work address. The IdP's password is never read.
import { z } from 'zod';
import { badRequest } from '@/lib/scim/errors';
import { applyPatch, type PatchOperation } from '@/lib/scim/patch';
import { coreFilter, filterField, toBoolean } from '@/lib/scim/path';
import { canonicalResource, optionalText, requiredName, requireSchema, type Json } from '@/lib/scim/resource';
import { URN, USER_SCHEMA } from '@/lib/scim/schema';

export interface UserRecord {
  id: string;
  userName: string;
  externalId: string | null;
  email: string | null;
  name: string | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
  groups: { id: string; displayName: string }[];
}

/** What a SCIM write stores. `active` undefined: keep what is stored (true for a new user). */
export interface UserFields {
  userName: string;
  externalId: string | null;
  email: string | null;
  name: string | null;
  active: boolean | undefined;
}

const userShape = z.object({
  userName: requiredName('userName'),
  externalId: optionalText(256),
  active: z.preprocess((v) => toBoolean(v) ?? v, z.boolean({ error: 'active must be true or false.' })).optional(),
  displayName: optionalText(256),
  name: z
    .object({ formatted: optionalText(256), givenName: optionalText(128), familyName: optionalText(128) })
    .nullish(),
  emails: z
    .array(
      z.object({
        value: z.string().trim().max(254, 'Use at most 254 characters.').nullish(),
        primary: z.unknown().optional(),
      }),
      { error: 'emails must be a list.' },
    )
    .max(50, 'At most 50 emails.')
    .nullish(),
});

export function invalidValue(error: z.ZodError): never {
  const issue = error.issues[0]!;
  const where = issue.path.join('.');
  throw badRequest('invalidValue', where ? `${where}: ${issue.message}` : issue.message);
}

/** The fields to store, from a canonical resource (a POST/PUT body, or the result of a PATCH). */
export function userFields(resource: Json): UserFields {
  const parsed = userShape.safeParse(resource);
  if (!parsed.success) invalidValue(parsed.error);
  const u = parsed.data;
  const given = [u.name?.givenName, u.name?.familyName].filter(Boolean).join(' ');
  const emails = (u.emails ?? []).filter((e) => e.value);
  const email = (emails.find((e) => toBoolean(e.primary) === true) ?? emails[0])?.value ?? null;
  return {
    userName: u.userName,
    externalId: u.externalId || null,
    email,
    name: u.name?.formatted || given || u.displayName || null,
    active: u.active,
  };
}

/** POST and PUT bodies: the User schema must be declared; unknown attributes are ignored. */
export function userFromBody(body: unknown): UserFields {
  return userFields(canonicalResource(requireSchema(body, URN.user), USER_SCHEMA));
}

/**
 * PATCH applies to what is stored. The base carries the name as displayName only, so a
 * change of name.givenName/familyName is not hidden behind a stale name.formatted.
 */
export function patchUser(user: UserRecord, ops: readonly PatchOperation[]): UserFields {
  const base: Json = {
    userName: user.userName,
    externalId: user.externalId,
    active: user.active,
    displayName: user.name,
    emails: user.email ? [{ value: user.email, type: 'work', primary: true }] : [],
  };
  const fields = userFields(applyPatch(base, ops, USER_SCHEMA));
  return { ...fields, active: fields.active ?? user.active };
}

export function toScimUser(user: UserRecord, baseUrl: string) {
  const location = `${baseUrl}/Users/${user.id}`;
  return {
    schemas: [URN.user],
    id: user.id,
    ...(user.externalId ? { externalId: user.externalId } : {}),
    userName: user.userName,
    ...(user.name ? { name: { formatted: user.name }, displayName: user.name } : {}),
    emails: user.email ? [{ value: user.email, type: 'work', primary: true }] : [],
    active: user.active,
    groups: user.groups.map((g) => ({ value: g.id, display: g.displayName, $ref: `${baseUrl}/Groups/${g.id}` })),
    meta: {
      resourceType: 'User',
      created: user.createdAt.toISOString(),
      lastModified: user.updatedAt.toISOString(),
      location,
    },
  };
}

export type UserFilter = { field: 'userName' | 'externalId' | 'id' | 'email' | 'name'; value: string } | 'none';

const USER_FIELDS: Record<string, 'userName' | 'externalId' | 'id' | 'name' | undefined> = {
  username: 'userName',
  externalid: 'externalId',
  id: 'id',
  displayname: 'name',
};

/**
 * The list filters IdPs use to find a user before creating one: userName, externalId,
 * id, displayName, and the (work or primary) email.
 */
export const userFilter = (raw: string | null): UserFilter | null =>
  coreFilter(raw, { name: 'User', urn: URN.user }, (path, value) => {
    if (path.attr?.toLowerCase() === 'emails' && (path.sub === null || path.sub.toLowerCase() === 'value')) {
      // The one stored address is the primary work address: other types match nothing.
      const f = path.filter;
      const ok =
        !f ||
        (f.attr.toLowerCase() === 'type' && f.value === 'work') ||
        (f.attr.toLowerCase() === 'primary' && f.value === true);
      return ok ? { field: 'email', value } : 'none';
    }
    if (path.filter || path.sub) throw badRequest('invalidFilter', 'Unsupported filter attribute.');
    return { field: filterField(USER_FIELDS, path), value };
  });
