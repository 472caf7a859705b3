'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { addGrantAction, removeGrantAction } from '@/lib/actions/grants';
import { addGrantSchema, ROLE_LABELS, type AddGrantInput } from '@/lib/schemas/grant';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Alert } from '@/components/ui/alert';
import { applyFieldErrors } from '@/components/ui/field-errors';

export function AddGrantForm({ namespaceId }: { namespaceId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const { register, handleSubmit, watch, reset, setError: setFieldError, formState: { errors, isSubmitting } } = useForm<AddGrantInput>({
    resolver: zodResolver(addGrantSchema), defaultValues: { namespaceId, subjectType: 'user', subject: '', role: 'viewer' },
  });
  const type = watch('subjectType');
  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    const res = await addGrantAction(values);
    if (res.ok) { reset({ namespaceId, subjectType: values.subjectType, subject: '', role: values.role }); router.refresh(); return; }
    if (!applyFieldErrors(res.fieldErrors, setFieldError, ['subject'])) setError(res.message);
  });
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Grant a role" className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-4 md:items-end">
      {error ? <div className="md:col-span-4"><Alert>{error}</Alert></div> : null}
      <div className="space-y-1">
        <label htmlFor="grant-type" className="block text-sm font-medium text-slate-700">Member type</label>
        <select id="grant-type" className="block w-full rounded-md border border-slate-300 px-2 py-1.5" {...register('subjectType')}>
          <option value="user">Console user</option>
          <option value="group">Directory group</option>
        </select>
      </div>
      <Field label={type === 'group' ? 'Group' : 'User email'} error={errors.subject?.message} {...register('subject')} />
      <div className="space-y-1">
        <label htmlFor="grant-role" className="block text-sm font-medium text-slate-700">Role</label>
        <select id="grant-role" className="block w-full rounded-md border border-slate-300 px-2 py-1.5" {...register('role')}>
          {(['viewer', 'manager', 'admin'] as const).map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
        </select>
      </div>
      <Button type="submit" variant="primary" disabled={isSubmitting}>Grant role</Button>
    </form>
  );
}

export function RemoveGrant({ id, subject }: { id: string; subject: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      {error ? <span role="alert" className="text-xs text-red-700">{error}</span> : null}
      <Button variant="ghost" className="text-red-700" aria-label={`Remove ${subject}`} onClick={async () => {
        const res = await removeGrantAction({ id });
        if (res.ok) router.refresh(); else setError(res.message);
      }}>Remove</Button>
    </span>
  );
}
