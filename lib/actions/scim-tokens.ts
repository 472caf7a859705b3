'use server';
import { revalidatePath } from 'next/cache';
import { authedAction } from '@/lib/actions/safe-action';
import { createScimToken, revokeScimToken } from '@/lib/dal/scim-tokens';
import { scimTokenIdSchema, scimTokenNameSchema } from '@/lib/schemas/scim-token';

/** The only time the token is returned: the form shows it once. */
export const createScimTokenAction = authedAction('createScimToken', scimTokenNameSchema, async ({ name }, actor) => {
  const created = await createScimToken(actor, name);
  revalidatePath('/directory');
  return created;
});

export const revokeScimTokenAction = authedAction('revokeScimToken', scimTokenIdSchema, async ({ id }, actor) => {
  await revokeScimToken(actor, id);
  revalidatePath('/directory');
  return { id };
});
