import { z } from 'zod';
import { cursorSchema, limitSchema } from '@/lib/api/paging';
import { description, EXPIRATION_PRESETS } from '@/lib/schemas/service-account';
import { GRACE_PERIODS } from '@/lib/schemas/rotation';
import { createPolicySchema, policyFormSchema } from '@/lib/schemas/policy';
import { routeFormSchema } from '@/lib/schemas/route';
import { HISTORY_ENTITY_TYPES } from '@/lib/schemas/history';

// The REST API's own inputs: query strings, and bodies that differ from a console form
// (a PATCH of some fields, a path id the form would carry). Every body is finally validated
// by the console's own schema (lib/schemas/*); these only describe and pre-shape.

const paging = { limit: limitSchema, cursor: cursorSchema };
const optionalText = (max: number) => z.string().trim().max(max).optional();

export const namespacesQuery = z.object({
  path: z.string().max(2000).optional().meta({ description: 'Exact path, e.g. "Global/Prod/Payments".' }),
  ...paging,
});

export const serviceAccountsQuery = z.object({
  namespaceId: z
    .string()
    .max(64)
    .optional()
    .meta({ description: "One namespace's accounts; default: every namespace the caller reads." }),
  q: optionalText(200).meta({ description: 'Part of the user ID or description.' }),
  state: z.enum(['active', 'disabled', 'revoked', 'expired']).optional(),
  ...paging,
});

export const namespaceScopedQuery = z.object({
  namespaceId: z.string().min(1, 'Name the namespace.').max(64),
  ...paging,
});

export const policiesQuery = z.object({
  namespaceId: z.string().min(1, 'Name the namespace.').max(64),
  name: optionalText(100).meta({ description: 'Exact name, whatever its case.' }),
  ...paging,
});

export const directoryUsersQuery = z.object({ q: optionalText(200), ...paging });
export const pagingQuery = z.object(paging);

/** Documents the history filters; they are parsed by the Change History's own parser (lib/schemas/history.ts). */
export const historyQueryDoc = z.object({
  namespaceId: z.string().max(64).optional().meta({ description: 'This namespace and its descendants.' }),
  actor: z.string().max(200).optional().meta({ description: "Part of the actor's name (case-insensitive)." }),
  entityType: z.enum(HISTORY_ENTITY_TYPES).optional(),
  from: z.string().optional().meta({ description: 'YYYY-MM-DD or an ISO 8601 instant (inclusive).' }),
  to: z.string().optional().meta({ description: 'YYYY-MM-DD (through that day) or an ISO 8601 instant (exclusive).' }),
  ...paging,
});

export const patchServiceAccountSchema = z
  .object({ description: description.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((v) => v.description !== undefined || v.disabled !== undefined, {
    message: 'Send description, disabled, or both.',
    path: ['_form'],
  });

/** Documents POST /service-accounts/{id}/rotate; validated by the console's rotateServiceAccountSchema with the path's id. */
export const rotateBodyDoc = z.object({
  expiration: z.enum(EXPIRATION_PRESETS),
  customExpiresAt: z.string().max(64).optional(),
  grace: z.enum(GRACE_PERIODS),
});

/** PATCH /routes/{id}: any of the route form's fields; merged over the current route, then validated as the form is. */
export const patchRouteDoc = routeFormSchema.partial();
/** PATCH /policies/{id}: any of the policy form's fields, ppl as text or a PPL JSON value. */
export const pplValue = z
  .union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())])
  .meta({ description: 'PPL as YAML/JSON text, or a PPL JSON value (serialised to text before validation).' });
export const createPolicyDoc = createPolicySchema.extend({ ppl: pplValue });
export const patchPolicyDoc = policyFormSchema.partial().extend({ ppl: pplValue.optional() });

/** A PPL JSON value becomes its text (JSON is YAML), so the console's schema validates it. */
export function pplAsText(body: Record<string, unknown>): Record<string, unknown> {
  const ppl = body.ppl;
  return ppl !== null && typeof ppl === 'object' ? { ...body, ppl: JSON.stringify(ppl, null, 2) } : body;
}
