import { z } from 'zod';

export const USER_ID_PATTERN = /^[A-Za-z0-9.\-_@]+$/;
export const EXPIRATION_PRESETS = ['never', '7', '30', '60', '90', 'custom'] as const;
export const EXPIRATION_LABELS: Record<(typeof EXPIRATION_PRESETS)[number], string> = {
  never: 'Never',
  '7': '7 days',
  '30': '30 days',
  '60': '60 days',
  '90': '90 days',
  custom: 'Custom date and time',
};

export const serviceAccountUserId = z
  .string()
  .trim()
  .min(1, 'Enter a user ID.')
  .max(128, 'Use at most 128 characters.')
  .regex(USER_ID_PATTERN, 'Use only letters, digits and . - _ @ (no spaces).');

export const description = z.string().trim().max(500, 'Use at most 500 characters.');

/**
 * One schema for the form and the action. `customExpiresAt` is an instant (ISO 8601 or
 * anything Date parses); the form converts the viewer's local date-time before sending.
 */
export const createServiceAccountSchema = z
  .object({
    namespaceId: z.string().min(1).max(64),
    kind: z.enum(['service', 'impersonate']),
    userId: z.string().optional(),
    directoryUserId: z.string().max(256).optional(),
    description: description.default(''),
    expiration: z.enum(EXPIRATION_PRESETS),
    customExpiresAt: z.string().max(64).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'service') {
      const r = serviceAccountUserId.safeParse(v.userId ?? '');
      if (!r.success)
        ctx.addIssue({ code: 'custom', path: ['userId'], message: r.error.issues[0]?.message ?? 'Invalid user ID.' });
    } else if (!v.directoryUserId) {
      ctx.addIssue({ code: 'custom', path: ['directoryUserId'], message: 'Choose a directory user to impersonate.' });
    }
    if (v.expiration === 'custom') {
      const t = v.customExpiresAt ? Date.parse(v.customExpiresAt) : NaN;
      if (Number.isNaN(t))
        ctx.addIssue({ code: 'custom', path: ['customExpiresAt'], message: 'Enter a date and time.' });
      else if (t <= Date.now())
        ctx.addIssue({ code: 'custom', path: ['customExpiresAt'], message: 'The expiry must lie in the future.' });
    }
  });
export type CreateServiceAccountInput = z.input<typeof createServiceAccountSchema>;

/** The edit dialog; the action adds the account's id. */
export const serviceAccountDescriptionSchema = z.object({ description });
export const updateServiceAccountSchema = serviceAccountDescriptionSchema.extend({ id: z.string().uuid() });
export const serviceAccountIdSchema = z.object({ id: z.string().uuid() });
export const setDisabledSchema = z.object({ id: z.string().uuid(), disabled: z.boolean() });

export const SORT_KEYS = ['issued', 'accessed', 'expires', 'userId'] as const;
export const listServiceAccountsQuery = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  children: z.enum(['1', '0']).optional().catch(undefined),
  sort: z.enum(SORT_KEYS).optional().catch(undefined),
  dir: z.enum(['asc', 'desc']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
  /** "Unused for 30+ days" (lib/dal/usage.ts unusedWhere). */
  unused: z.enum(['1']).optional().catch(undefined),
});

/** The expiry instant for a preset, from `now`. */
export function expiryFor(
  expiration: (typeof EXPIRATION_PRESETS)[number],
  custom: string | undefined,
  now = new Date(),
): Date | null {
  if (expiration === 'never') return null;
  if (expiration === 'custom') return new Date(Date.parse(custom ?? ''));
  return new Date(now.getTime() + Number(expiration) * 24 * 60 * 60 * 1000);
}
