'use server';
import { publicAction } from '@/lib/actions/safe-action';
import { setupSchema } from '@/lib/schemas/auth';
import { createFirstAdmin } from '@/lib/dal/users';

/**
 * The one action an anonymous caller may use, and only while no user exists: it
 * creates the first administrator. Afterwards createFirstAdmin refuses, whatever the input.
 */
export const setupAdminAction = publicAction(setupSchema, async ({ email, password }) => {
  await createFirstAdmin(email, password);
  return { email };
});
