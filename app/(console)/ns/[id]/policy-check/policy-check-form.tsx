'use client';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';
import { checkPolicyAction } from '@/lib/actions/policies';
import { policyCheckSchema } from '@/lib/schemas/route';
import type { CheckResult } from '@/lib/dal/policy-check';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Alert } from '@/components/ui/alert';

type Values = z.input<typeof policyCheckSchema>;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export function PolicyCheckForm({ routes, users }: { routes: { id: string; label: string }[]; users: { id: string; label: string }[] }) {
  const [result, setResult] = useState<CheckResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { register, handleSubmit, formState: { errors, isSubmitting } } = useForm<Values>({
    resolver: zodResolver(policyCheckSchema),
    defaultValues: { routeId: routes[0]?.id ?? '', subject: users[0]?.id ?? '', method: 'GET', path: '/', sourceIp: '' },
  });
  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    const res = await checkPolicyAction(values);
    if (res.ok) setResult(res.data); else { setResult(null); setError(res.message); }
  });
  if (!routes.length) return <Alert tone="info">There are no routes in this namespace or below yet.</Alert>;
  return (
    <div className="space-y-4">
      <form onSubmit={onSubmit} noValidate className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-2">
        <div className="space-y-1 md:col-span-2">
          <label htmlFor="check-route" className="block text-sm font-medium text-slate-700">Route</label>
          <select id="check-route" className="block w-full rounded-md border border-slate-300 px-2 py-1.5" {...register('routeId')}>
            {routes.map((r) => <option key={r.id} value={r.id}>{r.label}</option>)}
          </select>
        </div>
        <div className="space-y-1 md:col-span-2">
          <label htmlFor="check-subject" className="block text-sm font-medium text-slate-700">Account or user</label>
          <input id="check-subject" list="check-users" className="block w-full rounded-md border border-slate-300 px-2 py-1.5" {...register('subject')} />
          <datalist id="check-users">{users.map((u) => <option key={u.id} value={u.id}>{u.label}</option>)}</datalist>
          {errors.subject ? <p role="alert" className="text-xs text-red-700">{errors.subject.message}</p> : null}
        </div>
        <div className="space-y-1">
          <label htmlFor="check-method" className="block text-sm font-medium text-slate-700">Method</label>
          <select id="check-method" className="block w-full rounded-md border border-slate-300 px-2 py-1.5" {...register('method')}>
            {METHODS.map((m) => <option key={m}>{m}</option>)}
          </select>
        </div>
        <Field label="Path" error={errors.path?.message} {...register('path')} />
        <Field label="Source IP (optional)" error={errors.sourceIp?.message} {...register('sourceIp')} />
        <div className="flex items-end justify-end"><Button type="submit" variant="primary" disabled={isSubmitting}>Check</Button></div>
      </form>
      {error ? <Alert>{error}</Alert> : null}
      {result ? (
        <section aria-label="Result" className={`rounded-lg border p-4 ${result.allowed ? 'border-emerald-200 bg-emerald-50' : 'border-red-200 bg-red-50'}`}>
          <p className="text-base font-semibold">{result.status} · {result.summary}</p>
          {result.decidedBy?.explanation ? <p className="mt-1">{result.decidedBy.explanation}</p> : null}
          {result.reasons.length ? <ul className="mt-2 list-disc pl-5 font-mono text-xs">{result.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul> : null}
          <p className="mt-2 text-xs text-slate-600">Policies evaluated: {result.policies.join(', ') || 'none'}</p>
        </section>
      ) : null}
    </div>
  );
}
