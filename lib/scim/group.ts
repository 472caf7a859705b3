// SCIM Group ⇄ directory group. Members are directory users, by id.
import { z } from 'zod';
import { applyPatch, type PatchOperation } from '@/lib/scim/patch';
import { coreFilter, filterField } from '@/lib/scim/path';
import { canonicalResource, optionalText, requiredName, requireSchema, type Json } from '@/lib/scim/resource';
import { GROUP_SCHEMA, URN } from '@/lib/scim/schema';
import { invalidValue } from '@/lib/scim/user';

export interface GroupRecord {
  id: string;
  displayName: string;
  externalId: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Absent when the caller excluded members. */
  members?: { id: string; userName: string | null }[];
}

/** What a SCIM write stores. `members` undefined: leave membership as it is. */
export interface GroupFields {
  displayName: string;
  externalId: string | null;
  members: string[] | undefined;
}

export const MAX_MEMBERS_PER_REQUEST = 10_000;

const groupShape = z.object({
  displayName: requiredName('displayName'),
  externalId: optionalText(256),
  members: z
    .array(z.object({ value: z.string({ error: 'Each member needs a value (a user id).' }).trim().min(1).max(256) }), {
      error: 'members must be a list.',
    })
    .max(MAX_MEMBERS_PER_REQUEST, `At most ${MAX_MEMBERS_PER_REQUEST} members per request.`)
    .nullish(),
});

export function groupFields(resource: Json): GroupFields {
  const parsed = groupShape.safeParse(resource);
  if (!parsed.success) invalidValue(parsed.error);
  const g = parsed.data;
  return {
    displayName: g.displayName,
    externalId: g.externalId || null,
    members: g.members === undefined ? undefined : [...new Set((g.members ?? []).map((m) => m.value))],
  };
}

/**
 * POST and PUT bodies. A PUT without `members` keeps the membership (IdPs rename groups
 * with a PUT of the displayName alone); `"members": []` empties the group.
 */
export function groupFromBody(body: unknown): GroupFields {
  return groupFields(canonicalResource(requireSchema(body, URN.group), GROUP_SCHEMA));
}

/** PATCH applies to the stored group, members included. */
export function patchGroup(
  group: { displayName: string; externalId: string | null; members: { id: string }[] },
  ops: readonly PatchOperation[],
): GroupFields & { members: string[] } {
  const base: Json = {
    displayName: group.displayName,
    externalId: group.externalId,
    members: group.members.map((m) => ({ value: m.id })),
  };
  const fields = groupFields(applyPatch(base, ops, GROUP_SCHEMA));
  return { ...fields, members: fields.members ?? [] };
}

export function toScimGroup(group: GroupRecord, baseUrl: string) {
  return {
    schemas: [URN.group],
    id: group.id,
    displayName: group.displayName,
    ...(group.externalId ? { externalId: group.externalId } : {}),
    ...(group.members
      ? {
          members: group.members.map((m) => ({
            value: m.id,
            ...(m.userName ? { display: m.userName } : {}),
            type: 'User',
            $ref: `${baseUrl}/Users/${m.id}`,
          })),
        }
      : {}),
    meta: {
      resourceType: 'Group',
      created: group.createdAt.toISOString(),
      lastModified: group.updatedAt.toISOString(),
      location: `${baseUrl}/Groups/${group.id}`,
    },
  };
}

export type GroupFilter =
  | { field: 'displayName' | 'externalId' | 'id'; value: string }
  | { field: 'member'; value: string };

const GROUP_FIELDS: Record<string, 'displayName' | 'externalId' | 'id' | undefined> = {
  displayname: 'displayName',
  externalid: 'externalId',
  id: 'id',
};

/** displayName, externalId, id, and `members.value eq "<user id>"` (the groups of a user). */
export const groupFilter = (raw: string | null): GroupFilter | null =>
  coreFilter(raw, { name: 'Group', urn: URN.group }, (path, value) =>
    path.attr?.toLowerCase() === 'members' && !path.filter && (path.sub === null || path.sub.toLowerCase() === 'value')
      ? { field: 'member', value }
      : { field: filterField(GROUP_FIELDS, path), value },
  );
