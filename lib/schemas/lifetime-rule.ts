import { z } from 'zod';
import { EXPIRATION_LABELS, EXPIRATION_PRESETS } from '@/lib/schemas/service-account';

// Lifetime rules of a namespace (lib/dal/lifetime-rules.ts): shared by the settings form, its
// action, and the expiry choices of the creation and rotation forms.

export const MAX_RULE_DAYS = 3650;
const DAY_MS = 86_400_000;

/**
 * A number of days: typed in a form (a string, empty for "no rule here"), or already parsed
 * (the action receives what the form's resolver produced).
 */
const days = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  return t === '' ? null : /^\d{1,6}$/.test(t) ? Number(t) : v;
}, z
  .number({ error: 'Enter a whole number of days, or leave it empty.' })
  .int('Enter a whole number of days, or leave it empty.')
  .min(1, `Enter between 1 and ${MAX_RULE_DAYS} days.`)
  .max(MAX_RULE_DAYS, `Enter between 1 and ${MAX_RULE_DAYS} days.`)
  .nullable());

export const lifetimeRuleFormSchema = z.object({
  maxLifetimeDays: days,
  disableUnusedDays: days,
});
export const lifetimeRuleSchema = lifetimeRuleFormSchema.extend({ namespaceId: z.string().min(1).max(64) });
export type LifetimeRuleValues = z.output<typeof lifetimeRuleFormSchema>;

/** The rule in force in a namespace: the strictest value along its path, and where it comes from. */
export interface EffectiveLifetimeRule {
  maxLifetimeDays: number | null;
  maxLifetimeFrom: string | null; // the namespace's name
  disableUnusedDays: number | null;
  disableUnusedFrom: string | null;
}

export const NO_RULE: EffectiveLifetimeRule = {
  maxLifetimeDays: null,
  maxLifetimeFrom: null,
  disableUnusedDays: null,
  disableUnusedFrom: null,
};

export const lifetimeLimitText = (rule: EffectiveLifetimeRule) =>
  rule.maxLifetimeDays === null
    ? null
    : `${rule.maxLifetimeFrom ?? 'This namespace'} limits new tokens to ${rule.maxLifetimeDays} day${rule.maxLifetimeDays === 1 ? '' : 's'}.`;

/** The expiry choices of the creation and rotation forms, with the ones outside the rule disabled and why. */
export function expirationChoices(rule: EffectiveLifetimeRule) {
  const max = rule.maxLifetimeDays;
  return EXPIRATION_PRESETS.map((value) => {
    const over = max !== null && (value === 'never' || (value !== 'custom' && Number(value) > max));
    return {
      value,
      label: over ? `${EXPIRATION_LABELS[value]} (not allowed: over ${max} days)` : EXPIRATION_LABELS[value],
      disabled: over,
    };
  });
}

/** What a form starts with: "Never" without a rule, else the longest preset it allows ("custom" if none). */
export function defaultExpiration(rule: EffectiveLifetimeRule): (typeof EXPIRATION_PRESETS)[number] {
  if (rule.maxLifetimeDays === null) return 'never';
  const allowed = expirationChoices(rule).filter((c) => !c.disabled && c.value !== 'custom');
  return allowed.length ? allowed[allowed.length - 1]!.value : 'custom';
}

/** Why an expiry breaks the rule (for the field that chose it), or null when it keeps it. */
export function lifetimeViolation(expiresAt: Date | null, rule: EffectiveLifetimeRule, now: Date): string | null {
  const max = rule.maxLifetimeDays;
  if (max === null) return null;
  if (expiresAt === null) return `${lifetimeLimitText(rule)} "Never" is not allowed here.`;
  // A second of slack: a preset computed at `now` is exactly on the limit.
  if (expiresAt.getTime() > now.getTime() + max * DAY_MS + 1000)
    return `${lifetimeLimitText(rule)} Choose an expiry within ${max} day${max === 1 ? '' : 's'}.`;
  return null;
}

/** The reason the system disabled an account (service_accounts.disabled_reason), in words. */
export function disabledReasonText(reason: string | null): string | null {
  if (!reason) return null;
  const unused = /^unused:(\d+)$/.exec(reason);
  if (unused) return `Disabled automatically: unused for ${unused[1]} days`;
  return 'Disabled automatically';
}

export const unusedReason = (days: number) => `unused:${days}`;
