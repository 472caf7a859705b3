import 'server-only';
import { z } from 'zod';
import type { NamespaceView } from '@/lib/dal/namespaces';
import { accountState, type ServiceAccountRow } from '@/lib/dal/service-accounts';
import type { RouteRow } from '@/lib/dal/routes';
import type { PolicyView } from '@/lib/dal/policies';
import type { GrantRow } from '@/lib/dal/grants';
import type { DirectoryGroupRow, DirectoryUserRow } from '@/lib/dal/directory';
import type { HistoryEntry } from '@/lib/dal/history';
import type { ApiKeyRow } from '@/lib/dal/api-keys';
import { roleSchema } from '@/lib/schemas/grant';

// What the REST API answers, as zod schemas (the OpenAPI document is generated from them,
// lib/api/openapi.ts) and the functions that make them from the DAL's rows. Instants are
// ISO 8601 strings.

const instant = z.iso.datetime().meta({ description: 'ISO 8601 instant (UTC)' });
const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export const namespaceResource = z
  .object({
    id: z.string(),
    name: z.string(),
    parentId: z.string().nullable(),
    path: z.string().meta({ description: 'Names from Global down, joined by "/" (Global\'s own name first).' }),
    role: roleSchema.meta({ description: "The caller's effective role here." }),
  })
  .meta({ id: 'Namespace' });
export const toNamespace = (n: NamespaceView): z.infer<typeof namespaceResource> => ({
  id: n.id,
  name: n.name,
  parentId: n.parentId,
  path: n.path,
  role: n.role,
});

export const serviceAccountResource = z
  .object({
    id: z.uuid().meta({ description: "The account's id: its tokens' jti." }),
    namespaceId: z.string(),
    userId: z.string().meta({ description: "The tokens' sub: what policies name." }),
    directoryUserId: z.string().nullable().meta({ description: 'The impersonated directory user, if any.' }),
    description: z.string(),
    state: z.enum(['active', 'disabled', 'expired']),
    disabled: z.boolean(),
    revoked: z.boolean().meta({ description: 'Always false: a revoked account is deleted.' }),
    expiresAt: instant.nullable(),
    createdAt: instant,
    lastAccessedAt: instant.nullable(),
    generation: z.number().int(),
    previousValidUntil: instant.nullable().meta({ description: 'Until when the rotated-out token still verifies.' }),
  })
  .meta({ id: 'ServiceAccount' });
export const toServiceAccount = (a: ServiceAccountRow): z.infer<typeof serviceAccountResource> => ({
  id: a.id,
  namespaceId: a.namespaceId,
  userId: a.userId,
  directoryUserId: a.impersonating?.id ?? null,
  description: a.description,
  state: accountState(a) as 'active' | 'disabled' | 'expired',
  disabled: a.disabled,
  revoked: false,
  expiresAt: isoOrNull(a.expiresAt),
  createdAt: iso(a.issuedAt),
  lastAccessedAt: isoOrNull(a.accessedAt),
  generation: a.generation,
  previousValidUntil: isoOrNull(a.previousValidUntil),
});
export const serviceAccountWithToken = z
  .object({
    serviceAccount: serviceAccountResource,
    token: z.string().meta({ description: 'The JWT, shown in this answer only: it is never stored.' }),
  })
  .meta({ id: 'ServiceAccountWithToken' });

const ref = z.object({ id: z.string(), name: z.string() });
export const routeResource = z
  .object({
    id: z.uuid(),
    namespaceId: z.string(),
    name: z.string(),
    from: z.string(),
    to: z.array(z.string()),
    policyIds: z.array(z.uuid()),
    policies: z.array(ref),
    acceptExternalTokens: z.boolean(),
    enforcedPolicies: z.array(ref.extend({ namespaceName: z.string() })),
  })
  .meta({ id: 'Route' });
export const toRoute = (r: RouteRow): z.infer<typeof routeResource> => ({
  id: r.id,
  namespaceId: r.namespaceId,
  name: r.name,
  from: r.from,
  to: r.to,
  policyIds: r.policies.map((p) => p.id),
  policies: r.policies,
  acceptExternalTokens: r.acceptExternalTokens,
  enforcedPolicies: r.enforced,
});

export const policyResource = z
  .object({
    id: z.uuid(),
    namespaceId: z.string(),
    name: z.string(),
    description: z.string(),
    enforced: z.boolean(),
    explanation: z.string(),
    remediation: z.string(),
    ppl: z.string().meta({ description: 'The policy in PPL, as canonical YAML.' }),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Policy' });
export const toPolicy = (p: PolicyView): z.infer<typeof policyResource> => ({
  id: p.id,
  namespaceId: p.namespaceId,
  name: p.name,
  description: p.description,
  enforced: p.enforced,
  explanation: p.explanation,
  remediation: p.remediation,
  ppl: p.ppl,
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
});

export const grantResource = z
  .object({
    id: z.uuid(),
    namespaceId: z.string(),
    role: roleSchema,
    subjectType: z.enum(['user', 'group', 'service_account']),
    subject: z.string().meta({ description: "A user's email, a group's name, or a service account's user ID." }),
    serviceAccountId: z.uuid().nullable(),
    inherited: z.boolean().meta({ description: 'Granted on an ancestor: holds here too.' }),
  })
  .meta({ id: 'Grant' });
export const toGrant = (g: GrantRow): z.infer<typeof grantResource> => ({
  id: g.id,
  namespaceId: g.namespaceId,
  role: g.role,
  subjectType: g.subjectType,
  subject: g.subject,
  serviceAccountId: g.serviceAccountId,
  inherited: g.inherited,
});

export const directoryUserResource = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    groups: z.array(z.string()),
    active: z.boolean(),
    source: z.string(),
  })
  .meta({ id: 'DirectoryUser' });
export const toDirectoryUser = (u: DirectoryUserRow): z.infer<typeof directoryUserResource> => ({
  id: u.id,
  email: u.email,
  name: u.name,
  groups: u.groups,
  active: u.active,
  source: u.source,
});

export const directoryGroupResource = z
  .object({ name: z.string(), source: z.enum(['scim', 'manual']), members: z.number().int() })
  .meta({ id: 'DirectoryGroup' });
export const toDirectoryGroup = (g: DirectoryGroupRow): z.infer<typeof directoryGroupResource> => g;

export const historyEntryResource = z
  .object({
    id: z.string(),
    at: instant,
    actor: z.string().meta({
      description:
        'An email, "api-key:<name> (<owner email>)", "service-account:<user ID>", "scim:…", "workload:…" or "system".',
    }),
    action: z.enum(['create', 'update', 'delete']),
    entityType: z.string(),
    entityId: z.string(),
    namespaceId: z.string().nullable(),
    summary: z.string(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .meta({ id: 'HistoryEntry' });
export const toHistoryEntry = (e: HistoryEntry): z.infer<typeof historyEntryResource> => ({
  id: e.id,
  at: e.at,
  actor: e.actorEmail,
  action: e.action as 'create' | 'update' | 'delete',
  entityType: e.entityType,
  entityId: e.entityId,
  namespaceId: e.namespaceId,
  summary: `${e.action} ${e.entityType.replace(/_/g, ' ')} ${e.entityId}${e.namespaceName ? ` in ${e.namespaceName}` : ''}`,
  before: e.before ?? null,
  after: e.after ?? null,
});

export const apiKeyResource = z
  .object({
    id: z.uuid(),
    name: z.string(),
    roleCap: roleSchema,
    expiresAt: instant.nullable(),
    createdAt: instant,
    lastUsedAt: instant.nullable(),
    revokedAt: instant.nullable(),
  })
  .meta({ id: 'ApiKey' });
export const toApiKey = (k: ApiKeyRow): z.infer<typeof apiKeyResource> => ({
  id: k.id,
  name: k.name,
  roleCap: k.roleCap,
  expiresAt: isoOrNull(k.expiresAt),
  createdAt: iso(k.createdAt),
  lastUsedAt: isoOrNull(k.lastUsedAt),
  revokedAt: isoOrNull(k.revokedAt),
});
export const apiKeyWithKey = z
  .object({
    apiKey: apiKeyResource,
    key: z.string().meta({ description: 'The key (postern_key_…), shown in this answer only: only its hash is kept.' }),
  })
  .meta({ id: 'ApiKeyWithKey' });

/** `{ items, nextCursor }` of a resource. */
export const pageOfResource = <T extends z.ZodType>(item: T, id: string) =>
  z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().meta({ description: 'Pass as ?cursor= for the next page; null on the last.' }),
    })
    .meta({ id });

export const problemResource = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.record(z.string(), z.array(z.string())).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
