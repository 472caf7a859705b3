import { z } from 'zod';
import { MAX_TOKEN_LENGTH } from '@/lib/tokens/extract';

// POST /api/v1/token: OAuth 2.0 Token Exchange (RFC 8693 §2.1), form-encoded.
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const SUBJECT_TOKEN_TYPES = [
  'urn:ietf:params:oauth:token-type:jwt',
  'urn:ietf:params:oauth:token-type:id_token',
];
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

export const tokenExchangeRequestSchema = z.object({
  grant_type: z.literal(TOKEN_EXCHANGE_GRANT),
  subject_token: z
    .string({ error: 'subject_token is required (the platform’s JWT).' })
    .min(1, 'subject_token is required (the platform’s JWT).')
    .max(MAX_TOKEN_LENGTH, `subject_token is longer than ${MAX_TOKEN_LENGTH} characters.`),
  subject_token_type: z.enum(SUBJECT_TOKEN_TYPES, {
    error: `subject_token_type must be ${SUBJECT_TOKEN_TYPES.join(' or ')}.`,
  }),
  /** The service account whose token is asked for, by its id (the `jti` of its tokens). */
  audience: z.uuid({ error: 'audience must be the id of the service account whose token you ask for.' }),
  requested_token_type: z
    .enum([ACCESS_TOKEN_TYPE, JWT_TOKEN_TYPE], {
      error: `requested_token_type, when given, must be ${ACCESS_TOKEN_TYPE} or ${JWT_TOKEN_TYPE}.`,
    })
    .optional(),
  /** Accepted and ignored: a service account's token carries the account's access, no scopes. */
  scope: z.string().max(1000).optional(),
});
export type TokenExchangeRequest = z.infer<typeof tokenExchangeRequestSchema>;
