'use client';
import { useId } from 'react';
import { useController, useFormContext } from 'react-hook-form';
import type { PolicyFormValues } from '@/lib/schemas/policy';
import { Field, TextareaField } from '@/components/ui/field';

export function GeneralFields() {
  const {
    register,
    control,
    formState: { errors },
  } = useFormContext<PolicyFormValues>();
  const { field: enforced } = useController({ control, name: 'enforced' });
  const hintId = useId();
  const note = (name: 'description' | 'explanation' | 'remediation', label: string, hint: string) => (
    <TextareaField rows={2} label={label} error={errors[name]?.message} hint={hint} {...register(name)} />
  );
  return (
    <div className="max-w-2xl space-y-4">
      <Field label="Name" autoComplete="off" error={errors.name?.message} {...register('name')} />
      {note('description', 'Description', 'For other administrators: what this policy is for.')}
      <fieldset className="space-y-1" aria-describedby={hintId}>
        <legend className="text-sm font-medium text-slate-700">Enforced / Optional</legend>
        <div className="flex gap-4">
          {(
            [
              ['Enforced', true],
              ['Optional', false],
            ] as const
          ).map(([label, value]) => (
            <label key={label} className="flex items-center gap-2 text-sm">
              <input
                type="radio"
                name={enforced.name}
                ref={value ? enforced.ref : undefined}
                checked={enforced.value === value}
                onChange={() => enforced.onChange(value)}
                onBlur={enforced.onBlur}
              />
              {label}
            </label>
          ))}
        </div>
        <p id={hintId} className="text-xs text-slate-500">
          Enforced policies apply to every route in this namespace and below; optional ones only where a route picks
          them.
        </p>
      </fieldset>
      {note('explanation', 'Explanation', 'Shown to a caller who is denied: why.')}
      {note('remediation', 'Remediation', 'Shown to a caller who is denied: what to do, e.g. whom to ask for access.')}
    </div>
  );
}
