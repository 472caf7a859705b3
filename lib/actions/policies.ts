'use server';
import { revalidatePath } from 'next/cache';
import { authedAction } from '@/lib/actions/safe-action';
import { createPolicy, deletePolicy, updatePolicy } from '@/lib/dal/policies';
import { checkAccess } from '@/lib/dal/policy-check';
import { createPolicySchema, policyIdSchema, updatePolicySchema } from '@/lib/schemas/policy';
import { policyCheckSchema } from '@/lib/schemas/route';

export const createPolicyAction = authedAction(
  'createPolicy',
  createPolicySchema,
  async ({ namespaceId, ...values }, actor) => {
    const p = await createPolicy(actor, namespaceId, values);
    revalidatePath('/ns', 'layout');
    return p;
  },
);

export const updatePolicyAction = authedAction('updatePolicy', updatePolicySchema, async ({ id, ...values }, actor) => {
  const p = await updatePolicy(actor, id, values);
  revalidatePath('/ns', 'layout');
  return p;
});

export const deletePolicyAction = authedAction('deletePolicy', policyIdSchema, async ({ id }, actor) => {
  await deletePolicy(actor, id);
  revalidatePath('/ns', 'layout');
  return { id };
});

export const checkPolicyAction = authedAction('checkPolicy', policyCheckSchema, (input, actor) =>
  checkAccess(actor, input),
);
