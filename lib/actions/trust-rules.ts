'use server';
import { namespaceAction, onRecord } from '@/lib/actions/safe-action';
import { addTrustRule, removeTrustRule } from '@/lib/dal/trust-rules';
import { addTrustRuleSchema, trustRuleIdSchema } from '@/lib/schemas/trust-rule';

export const addTrustRuleAction = namespaceAction('addTrustRule', addTrustRuleSchema, async (input, actor) => {
  const rule = await addTrustRule(actor, input);
  return { id: rule.id };
});

export const removeTrustRuleAction = namespaceAction(
  'removeTrustRule',
  trustRuleIdSchema,
  onRecord('id', removeTrustRule),
);
