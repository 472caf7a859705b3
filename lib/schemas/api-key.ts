import { z } from 'zod';
import { roleSchema } from '@/lib/schemas/grant';

// Personal REST API keys (lib/dal/api-keys.ts): the console page and POST /api/v1/api-keys
// take the same input.

/** The longest a key may live, in days (a key without expiry is allowed: omit expiresInDays). */
export const MAX_API_KEY_DAYS = 3650;

export const createApiKeySchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter a name, e.g. the pipeline that uses the key.')
    .max(100, 'Use at most 100 characters.'),
  roleCap: roleSchema,
  expiresInDays: z
    .number({ error: 'Enter a number of days.' })
    .int('Enter a whole number of days.')
    .min(1, 'Enter at least 1 day.')
    .max(MAX_API_KEY_DAYS, `Enter at most ${MAX_API_KEY_DAYS} days.`)
    .optional(),
});
export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;

export const apiKeyIdSchema = z.object({ id: z.uuid() });

/** Every key starts with this, so secret scanners can find leaked ones. */
export const API_KEY_PREFIX = 'postern_key_';
