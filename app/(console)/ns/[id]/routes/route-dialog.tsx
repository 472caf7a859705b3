'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { createRouteAction, deleteRouteAction, updateRouteAction } from '@/lib/actions/routes';
import { routeFormSchema, type RouteFormValues } from '@/lib/schemas/route';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Modal } from '@/components/ui/modal';
import { Alert } from '@/components/ui/alert';
import { applyFieldErrors } from '@/components/ui/field-errors';

type Choice = { id: string; name: string; enforced: boolean; namespaceName: string };

export function RouteDialog({ namespaceId, policies, route }: {
  namespaceId: string; policies: Choice[]; route?: { id: string; name: string; from: string; to: string; policyIds: string[] };
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const defaults: RouteFormValues = route ? { name: route.name, from: route.from, to: route.to, policyIds: route.policyIds } : { name: '', from: 'https://', to: '', policyIds: [] };
  const { register, handleSubmit, reset, setError: setFieldError, formState: { errors, isSubmitting } } =
    useForm<RouteFormValues>({ resolver: zodResolver(routeFormSchema), defaultValues: defaults });
  const close = () => { setOpen(false); setError(null); reset(defaults); };
  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    const res = route ? await updateRouteAction({ ...values, id: route.id }) : await createRouteAction({ ...values, namespaceId });
    if (res.ok) { close(); router.refresh(); return; }
    if (!applyFieldErrors(res.fieldErrors, setFieldError, ['name', 'from', 'to', 'policyIds'])) setError(res.message);
  });
  const optional = policies.filter((p) => !p.enforced);
  const enforced = policies.filter((p) => p.enforced);
  return (
    <>
      {route ? <Button variant="ghost" aria-label={`Edit ${route.name}`} onClick={() => setOpen(true)}>Edit</Button>
        : <Button variant="primary" onClick={() => setOpen(true)}>Add Route</Button>}
      <Modal open={open} onClose={close} title={route ? `Edit ${route.name}` : 'Add route'} wide>
        <form onSubmit={onSubmit} noValidate className="space-y-3 text-left">
          {error ? <Alert>{error}</Alert> : null}
          <Field label="Name" error={errors.name?.message} {...register('name')} />
          <Field label="From" hint="External https:// URL: host and optional path prefix, no query string." error={errors.from?.message} spellCheck={false} {...register('from')} />
          <div className="space-y-1">
            <label htmlFor="route-to" className="block text-sm font-medium text-slate-700">To</label>
            <textarea id="route-to" rows={2} spellCheck={false} aria-invalid={errors.to ? true : undefined} placeholder="http://upstream.internal:8080"
              className="block w-full rounded-md border border-slate-300 px-2.5 py-1.5 font-mono text-xs" {...register('to')} />
            {errors.to ? <p role="alert" className="text-xs text-red-700">{errors.to.message}</p> : <p className="text-xs text-slate-500">One or more upstream URLs, one per line.</p>}
          </div>
          <fieldset className="space-y-1">
            <legend className="text-sm font-medium text-slate-700">Policies</legend>
            {enforced.map((p) => (
              <label key={p.id} className="flex items-center gap-2 text-slate-500">
                <input type="checkbox" checked disabled /> {p.name} <span className="text-xs">(enforced in {p.namespaceName}: applied automatically)</span>
              </label>
            ))}
            {optional.length === 0 ? <p className="text-xs text-slate-500">No optional policies in this namespace or its parents yet.</p> : optional.map((p) => (
              <label key={p.id} className="flex items-center gap-2">
                <input type="checkbox" value={p.id} {...register('policyIds')} /> {p.name} <span className="text-xs text-slate-500">({p.namespaceName})</span>
              </label>
            ))}
            {errors.policyIds ? <p role="alert" className="text-xs text-red-700">{errors.policyIds.message ?? 'Choose valid policies.'}</p> : null}
          </fieldset>
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={isSubmitting}>{route ? 'Save' : 'Create'}</Button>
          </div>
        </form>
      </Modal>
    </>
  );
}

export function DeleteRoute({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      {error ? <span role="alert" className="text-xs text-red-700">{error}</span> : null}
      <Button variant="ghost" className="text-red-700" aria-label={`Delete ${name}`} onClick={async () => {
        if (!window.confirm(`Delete route ${name}? Requests to it will get no_route.`)) return;
        const res = await deleteRouteAction({ id });
        if (res.ok) router.refresh(); else setError(res.message);
      }}>Delete</Button>
    </>
  );
}
