'use client';
import { forwardRef, useId, type TextareaHTMLAttributes } from 'react';
import { useController, useFormContext } from 'react-hook-form';
import type { PolicyFormValues } from '@/lib/schemas/policy';
import { Field } from '@/components/ui/field';

/** The textarea twin of components/ui/field. */
const TextAreaField = forwardRef<HTMLTextAreaElement, TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; error?: string; hint?: string }>(
  function TextAreaField({ label, error, hint, className = '', ...props }, ref) {
    const id = useId();
    return (
      <div className="space-y-1">
        <label htmlFor={id} className="block text-sm font-medium text-slate-700">{label}</label>
        <textarea
          ref={ref}
          id={id}
          rows={2}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
          className={`block w-full rounded-md border px-2.5 py-1.5 text-sm shadow-sm ${error ? 'border-red-500' : 'border-slate-300'} focus:border-indigo-500 ${className}`}
          {...props}
        />
        {error ? (
          <p id={`${id}-error`} role="alert" className="text-xs text-red-700">{error}</p>
        ) : hint ? (
          <p id={`${id}-hint`} className="text-xs text-slate-500">{hint}</p>
        ) : null}
      </div>
    );
  },
);

export function GeneralFields() {
  const { register, control, formState: { errors } } = useFormContext<PolicyFormValues>();
  const { field: enforced } = useController({ control, name: 'enforced' });
  const hintId = useId();
  return (
    <div className="max-w-2xl space-y-4">
      <Field label="Name" autoComplete="off" error={errors.name?.message} {...register('name')} />
      <TextAreaField label="Description" error={errors.description?.message} hint="For other administrators: what this policy is for." {...register('description')} />
      <fieldset className="space-y-1" aria-describedby={hintId}>
        <legend className="text-sm font-medium text-slate-700">Enforced / Optional</legend>
        <div className="flex gap-4">
          {([['Enforced', true], ['Optional', false]] as const).map(([label, value]) => (
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
          Enforced policies apply to every route in this namespace and below; optional ones only where a route picks them.
        </p>
      </fieldset>
      <TextAreaField label="Explanation" error={errors.explanation?.message} hint="Shown to a caller who is denied: why." {...register('explanation')} />
      <TextAreaField label="Remediation" error={errors.remediation?.message} hint="Shown to a caller who is denied: what to do, e.g. whom to ask for access." {...register('remediation')} />
    </div>
  );
}
