'use server';
import { authedAction, onRecord } from '@/lib/actions/safe-action';
import { createScimToken, revokeScimToken } from '@/lib/dal/scim-tokens';
import { scimTokenIdSchema, scimTokenNameSchema } from '@/lib/schemas/scim-token';

/** The only time the token is returned: the form shows it once. */
export const createScimTokenAction = authedAction(
  'createScimToken',
  scimTokenNameSchema,
  ({ name }, actor) => createScimToken(actor, name),
  '/directory',
);

export const revokeScimTokenAction = authedAction(
  'revokeScimToken',
  scimTokenIdSchema,
  onRecord('id', revokeScimToken),
  '/directory',
);
