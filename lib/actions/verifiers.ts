'use server';
import { revalidatePath } from 'next/cache';
import { authedAction } from '@/lib/actions/safe-action';
import { createVerifier, revokeVerifier } from '@/lib/dal/verifiers';
import { verifierIdSchema, verifierNameSchema } from '@/lib/schemas/verifier';

/** The only time the credential is returned: the form shows it once. */
export const createVerifierAction = authedAction('createVerifier', verifierNameSchema, async ({ name }, actor) => {
  const created = await createVerifier(actor, name);
  revalidatePath('/verifiers');
  return created;
});

export const revokeVerifierAction = authedAction('revokeVerifier', verifierIdSchema, async ({ id }, actor) => {
  await revokeVerifier(actor, id);
  revalidatePath('/verifiers');
  return { id };
});
