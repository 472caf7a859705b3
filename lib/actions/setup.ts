'use server';
import { publicAction } from '@/lib/actions/safe-action';
import { setupSchema } from '@/lib/schemas/auth';
import { createFirstAdmin } from '@/lib/dal/users';

/**
 * One of the two actions an anonymous caller may use, and only while no administrator
 * exists and with the setup code from the server's log: it creates the first
 * administrator. Afterwards createFirstAdmin refuses, whatever the input.
 */
export const setupAdminAction = publicAction('setupAdmin', setupSchema, async ({ email, password, code }) => {
  await createFirstAdmin(email, password, code);
  return { email };
});
