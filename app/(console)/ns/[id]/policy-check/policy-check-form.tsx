'use client';
import { checkPolicyAction } from '@/lib/actions/policies';
import { policyCheckSchema } from '@/lib/schemas/route';
import { Field, SelectField } from '@/components/ui/field';
import { Alert } from '@/components/ui/alert';
import { Options } from '@/components/ui/options';
import { METHODS } from '@/components/policy/value-inputs';
import { useActionResult } from '@/components/actions/use-action-form';
import { FormError } from '@/components/actions/form-error';
import { SubmitButton } from '@/components/actions/action-form';

export function PolicyCheckForm({
  routes,
  users,
}: {
  routes: { id: string; label: string }[];
  users: { id: string; label: string }[];
}) {
  const { form, onSubmit, pending, result } = useActionResult({
    schema: policyCheckSchema,
    action: checkPolicyAction,
    defaultValues: {
      routeId: routes[0]?.id ?? '',
      subject: users[0]?.id ?? '',
      method: 'GET',
      path: '/',
      sourceIp: '',
    },
  });
  const {
    register,
    formState: { errors },
  } = form;
  if (!routes.length) return <Alert tone="info">There are no routes in this namespace or below yet.</Alert>;
  return (
    <div className="space-y-4">
      <form
        onSubmit={onSubmit}
        noValidate
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-2"
      >
        <div className="md:col-span-2">
          <SelectField label="Route" error={errors.routeId?.message} {...register('routeId')}>
            <Options items={routes} />
          </SelectField>
        </div>
        <div className="md:col-span-2">
          <Field label="Account or user" list="check-users" error={errors.subject?.message} {...register('subject')} />
          <datalist id="check-users">
            <Options items={users} />
          </datalist>
        </div>
        <SelectField label="Method" error={errors.method?.message} {...register('method')}>
          <Options items={METHODS} />
        </SelectField>
        <Field label="Path" error={errors.path?.message} {...register('path')} />
        <Field label="Source IP (optional)" error={errors.sourceIp?.message} {...register('sourceIp')} />
        <div className="flex items-end justify-end">
          <SubmitButton pending={pending}>Check</SubmitButton>
        </div>
      </form>
      <FormError form={form} />
      {result ? (
        <section
          aria-label="Result"
          className={`rounded-lg border p-4 ${result.allowed ? 'border-emerald-200 bg-emerald-50' : 'border-red-200 bg-red-50'}`}
        >
          <p className="text-base font-semibold">
            {result.status} · {result.summary}
          </p>
          {result.decidedBy?.explanation ? <p className="mt-1">{result.decidedBy.explanation}</p> : null}
          {result.reasons.length ? (
            <ul className="mt-2 list-disc pl-5 font-mono text-xs">
              {result.reasons.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
          ) : null}
          <p className="mt-2 text-xs text-slate-600">Policies evaluated: {result.policies.join(', ') || 'none'}</p>
        </section>
      ) : null}
    </div>
  );
}
