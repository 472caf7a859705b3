'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { createServiceAccountAction } from '@/lib/actions/service-accounts';
import { createServiceAccountSchema, EXPIRATION_LABELS, EXPIRATION_PRESETS, type CreateServiceAccountInput } from '@/lib/schemas/service-account';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Modal } from '@/components/ui/modal';
import { Alert } from '@/components/ui/alert';
import { TokenReveal } from './token-reveal';
import { applyFieldErrors } from '@/components/ui/field-errors';

type Created = { userId: string; token: string; expiresAt: string | null };

export function AddServiceAccount({ namespaceId, namespaceName, directoryUsers }: {
  namespaceId: string; namespaceName: string; directoryUsers: { id: string; label: string }[];
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  // The JWT lives only in this component's state while the dialog is open.
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<string | null>(null);
  const form = useForm<CreateServiceAccountInput>({
    resolver: zodResolver(createServiceAccountSchema),
    defaultValues: { namespaceId, kind: 'service', userId: '', description: '', expiration: 'never', customExpiresAt: '' },
  });
  const { register, handleSubmit, watch, setError: setFieldError, reset, formState: { errors, isSubmitting } } = form;
  const kind = watch('kind');
  const expiration = watch('expiration');

  const close = () => {
    setOpen(false);
    setCreated(null);
    setError(null);
    reset();
    router.refresh();
  };

  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    // datetime-local is the viewer's wall-clock time; send the instant, stored in UTC.
    const customExpiresAt = values.expiration === 'custom' && values.customExpiresAt ? new Date(values.customExpiresAt).toISOString() : undefined;
    const res = await createServiceAccountAction({ ...values, customExpiresAt });
    if (res.ok) {
      setCreated({ userId: res.data.userId, token: res.data.token, expiresAt: res.data.expiresAt });
      return;
    }
    if (!applyFieldErrors(res.fieldErrors, setFieldError, ['userId', 'directoryUserId', 'description', 'customExpiresAt', 'expiration'])) setError(res.message);
  });

  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)}>Add Service Account</Button>
      <Modal open={open} onClose={close} title={created ? 'Service account created' : `Add service account to ${namespaceName}`} wide={!!created}>
        {created ? (
          <TokenReveal token={created.token} userId={created.userId} expiresAt={created.expiresAt} onDone={close} />
        ) : (
          <form onSubmit={onSubmit} noValidate className="space-y-3">
            {error ? <Alert>{error}</Alert> : null}
            <fieldset className="space-y-1">
              <legend className="text-sm font-medium text-slate-700">Identity</legend>
              <label className="flex items-center gap-2"><input type="radio" value="service" {...register('kind')} /> A unique user ID</label>
              <label className="flex items-center gap-2"><input type="radio" value="impersonate" {...register('kind')} disabled={directoryUsers.length === 0} /> Impersonate a directory user{directoryUsers.length === 0 ? ' (the directory is empty)' : ''}</label>
            </fieldset>
            {kind === 'service' ? (
              <Field label="User ID" autoComplete="off" spellCheck={false} error={errors.userId?.message}
                hint="Unique across the install. Letters, digits and . - _ @. Policies refer to it in the user criterion." {...register('userId')} />
            ) : (
              <div className="space-y-1">
                <label htmlFor="sa-directory-user" className="block text-sm font-medium text-slate-700">Directory user</label>
                <select id="sa-directory-user" {...register('directoryUserId')} aria-invalid={errors.directoryUserId ? true : undefined}
                  className="block w-full rounded-md border border-slate-300 px-2 py-1.5">
                  <option value="">Choose a user…</option>
                  {directoryUsers.map((u) => <option key={u.id} value={u.id}>{u.label}</option>)}
                </select>
                {errors.directoryUserId ? <p role="alert" className="text-xs text-red-700">{errors.directoryUserId.message}</p> : null}
              </div>
            )}
            <Field label="Description" error={errors.description?.message} {...register('description')} />
            <div className="space-y-1">
              <label htmlFor="sa-expiration" className="block text-sm font-medium text-slate-700">Expiration</label>
              <select id="sa-expiration" {...register('expiration')} className="block w-full rounded-md border border-slate-300 px-2 py-1.5">
                {EXPIRATION_PRESETS.map((p) => <option key={p} value={p}>{EXPIRATION_LABELS[p]}</option>)}
              </select>
            </div>
            {expiration === 'custom' ? (
              <Field label="Expires at (your time zone)" type="datetime-local" error={errors.customExpiresAt?.message} {...register('customExpiresAt')} />
            ) : null}
            <div className="flex justify-end gap-2 pt-1">
              <Button onClick={close}>Cancel</Button>
              <Button type="submit" variant="primary" disabled={isSubmitting}>Submit</Button>
            </div>
          </form>
        )}
      </Modal>
    </>
  );
}
