'use server';
import { authedAction, onRecord } from '@/lib/actions/safe-action';
import { createApiKey, revokeApiKey } from '@/lib/dal/api-keys';
import { apiKeyIdSchema, createApiKeySchema } from '@/lib/schemas/api-key';

// The caller's own REST API keys. The DAL checks the caller owns the key and that the role
// cap is no higher than the caller's own role; the new key is in this answer only.
export const createApiKeyAction = authedAction(
  'createApiKey',
  createApiKeySchema,
  (input, actor) => createApiKey(actor, input),
  '/account/api-keys',
);

export const revokeApiKeyAction = authedAction(
  'revokeApiKey',
  apiKeyIdSchema,
  onRecord('id', revokeApiKey),
  '/account/api-keys',
);
