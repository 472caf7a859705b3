import { z } from 'zod';
import { anchored, MAX_CONDITIONS, parseClaimConditions, PolicyError, type ClaimCondition } from '@/lib/policy';
import { STRING_MATCHERS } from '@/lib/policy/types';
import { LIFETIME_VALUES } from './trusted-issuer';

/** One row of the rule form: a claim, one PPL string matcher, a value (a comma-separated list for in / not_in). */
export const conditionRowSchema = z.object({
  claim: z.string().trim().min(1, 'Enter a claim name.').max(128, 'Use at most 128 characters.'),
  matcher: z.enum(STRING_MATCHERS),
  value: z.string().trim().min(1, 'Enter a value.').max(1000, 'Use at most 1000 characters.'),
});
export type ConditionRow = z.infer<typeof conditionRowSchema>;

const isList = (m: ConditionRow['matcher']) => m === 'in' || m === 'not_in';

/** The rows as claim conditions; rows on the same claim stay separate conditions (all must hold). */
export function conditionsOf(rows: readonly ConditionRow[]): ClaimCondition[] {
  return parseClaimConditions(
    rows.map((r) => ({
      claim: r.claim.trim(),
      match: {
        [r.matcher]: isList(r.matcher)
          ? r.value
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : r.value.trim(),
      },
    })),
  );
}

export const addTrustRuleSchema = z
  .object({
    serviceAccountId: z.uuid(),
    issuerId: z.uuid('Choose a trusted issuer.'),
    description: z.string().trim().max(200, 'Use at most 200 characters.').default(''),
    conditions: z
      .array(conditionRowSchema)
      .min(1, 'Add at least one condition.')
      .max(MAX_CONDITIONS, `Use at most ${MAX_CONDITIONS} conditions.`),
    maxLifetime: z.enum(LIFETIME_VALUES, 'Choose a lifetime.'),
  })
  .superRefine((v, ctx) => {
    let conditions: ClaimCondition[];
    try {
      conditions = conditionsOf(v.conditions);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      const [i, field] = e.segments;
      ctx.addIssue({
        code: 'custom',
        path: typeof i === 'number' ? ['conditions', i, field === 'claim' ? 'claim' : 'value'] : ['conditions'],
        message: e.detail,
      });
      return;
    }
    if (!anchored(conditions))
      ctx.addIssue({
        code: 'custom',
        path: ['conditions'],
        message:
          'At least one condition must use is, in or starts_with: otherwise tokens of anyone on the platform could match.',
      });
  });
export type AddTrustRuleInput = z.input<typeof addTrustRuleSchema>;

export const trustRuleIdSchema = z.object({ id: z.uuid() });
