'use server';
import { namespaceAction } from '@/lib/actions/safe-action';
import { setLifetimeRule } from '@/lib/dal/lifetime-rules';
import { lifetimeRuleSchema } from '@/lib/schemas/lifetime-rule';

export const setLifetimeRuleAction = namespaceAction(
  'setLifetimeRule',
  lifetimeRuleSchema,
  ({ namespaceId, ...values }, actor) => setLifetimeRule(actor, namespaceId, values),
);
