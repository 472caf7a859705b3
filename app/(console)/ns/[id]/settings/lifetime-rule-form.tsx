'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { setLifetimeRuleAction } from '@/lib/actions/lifetime-rules';
import {
  lifetimeRuleFormSchema,
  type EffectiveLifetimeRule,
  type LifetimeRuleValues,
} from '@/lib/schemas/lifetime-rule';
import { Field } from '@/components/ui/field';
import { useActionForm } from '@/components/actions/use-action-form';
import { CardForm } from '@/components/actions/action-form';

const text = (n: number | null) => (n === null ? '' : String(n));

/** This namespace's own rules (Admin). An inherited stricter value still holds whatever is typed here. */
export function LifetimeRuleForm({
  namespaceId,
  own,
  inherited,
}: {
  namespaceId: string;
  own: LifetimeRuleValues;
  inherited: EffectiveLifetimeRule;
}) {
  const router = useRouter();
  const [saved, setSaved] = useState(false);
  const form = useActionForm({
    schema: lifetimeRuleFormSchema,
    action: setLifetimeRuleAction,
    extra: { namespaceId },
    defaultValues: { maxLifetimeDays: text(own.maxLifetimeDays), disableUnusedDays: text(own.disableUnusedDays) },
    onSuccess: () => {
      setSaved(true);
      router.refresh();
    },
  });
  const { register, formState } = form.form;
  const from = (days: number | null, where: string | null) =>
    days === null ? 'Empty: no rule of its own.' : `Empty: no rule of its own (${where} sets ${days} days).`;
  return (
    <div className="space-y-2">
      <CardForm of={form} label="Lifetime rules" submitLabel="Save rules" columns="md:grid-cols-3">
        <Field
          label="Maximum token lifetime (days)"
          inputMode="numeric"
          placeholder="no limit"
          error={formState.errors.maxLifetimeDays?.message}
          hint={from(inherited.maxLifetimeDays, inherited.maxLifetimeFrom)}
          {...register('maxLifetimeDays')}
        />
        <Field
          label="Disable accounts unused for (days)"
          inputMode="numeric"
          placeholder="never"
          error={formState.errors.disableUnusedDays?.message}
          hint={from(inherited.disableUnusedDays, inherited.disableUnusedFrom)}
          {...register('disableUnusedDays')}
        />
      </CardForm>
      {saved ? (
        <p role="status" className="text-sm text-emerald-700">
          Saved.
        </p>
      ) : null}
    </div>
  );
}
