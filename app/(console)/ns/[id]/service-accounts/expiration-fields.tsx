'use client';
import type { UseFormRegisterReturn } from 'react-hook-form';
import { Field, SelectField } from '@/components/ui/field';
import { expirationChoices, lifetimeLimitText, type EffectiveLifetimeRule } from '@/lib/schemas/lifetime-rule';

/**
 * The expiry of a new token (creation and rotation): the presets, with those outside the
 * namespace's lifetime rule disabled and the rule named; a date-time field for "custom".
 * The server checks the rule again.
 */
export function ExpirationFields({
  rule,
  expiration,
  select,
  custom,
  errors,
}: {
  rule: EffectiveLifetimeRule;
  /** The chosen preset (watched). */
  expiration: string | undefined;
  select: UseFormRegisterReturn;
  custom: UseFormRegisterReturn;
  errors: { expiration?: string; customExpiresAt?: string };
}) {
  const limit = lifetimeLimitText(rule);
  return (
    <>
      <SelectField
        label="Expiration"
        error={errors.expiration}
        hint={limit ? `${limit} Longer choices are disabled.` : undefined}
        {...select}
      >
        {expirationChoices(rule).map((c) => (
          <option key={c.value} value={c.value} disabled={c.disabled}>
            {c.label}
          </option>
        ))}
      </SelectField>
      {expiration === 'custom' ? (
        <Field
          label="Expires at (your time zone)"
          type="datetime-local"
          error={errors.customExpiresAt}
          hint={rule.maxLifetimeDays !== null ? `At most ${rule.maxLifetimeDays} days from now.` : undefined}
          {...custom}
        />
      ) : null}
    </>
  );
}
