'use server';
import { authedAction, namespaceAction, onRecord, withKey } from '@/lib/actions/safe-action';
import { createPolicy, deletePolicy, updatePolicy } from '@/lib/dal/policies';
import { checkAccess } from '@/lib/dal/policy-check';
import { createPolicySchema, policyIdSchema, updatePolicySchema } from '@/lib/schemas/policy';
import { policyCheckSchema } from '@/lib/schemas/route';

export const createPolicyAction = namespaceAction(
  'createPolicy',
  createPolicySchema,
  withKey('namespaceId', createPolicy),
);

export const updatePolicyAction = namespaceAction('updatePolicy', updatePolicySchema, withKey('id', updatePolicy));

export const deletePolicyAction = namespaceAction('deletePolicy', policyIdSchema, onRecord('id', deletePolicy));

export const checkPolicyAction = authedAction('checkPolicy', policyCheckSchema, (input, actor) =>
  checkAccess(actor, input),
);
