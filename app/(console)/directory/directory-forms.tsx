'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { createDirectoryUserAction, deleteDirectoryUserAction } from '@/lib/actions/directory';
import { directoryUserSchema, type DirectoryUserInput } from '@/lib/schemas/directory';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Alert } from '@/components/ui/alert';
import { applyFieldErrors } from '@/components/ui/field-errors';

export function DirectoryUserForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const { register, handleSubmit, reset, setError: setFieldError, formState: { errors, isSubmitting } } =
    useForm<DirectoryUserInput>({ resolver: zodResolver(directoryUserSchema), defaultValues: { id: '', email: '', name: '', groups: '' } });
  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    const res = await createDirectoryUserAction(values);
    if (res.ok) { reset(); router.refresh(); return; }
    if (!applyFieldErrors(res.fieldErrors, setFieldError, ['id'])) setError(res.message);
  });
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Add directory user" className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-5 md:items-end">
      {error ? <div className="md:col-span-5"><Alert>{error}</Alert></div> : null}
      <Field label="ID" error={errors.id?.message} {...register('id')} />
      <Field label="Email" type="email" error={errors.email?.message} {...register('email')} />
      <Field label="Name" error={errors.name?.message} {...register('name')} />
      <Field label="Groups" hint="Comma-separated" error={errors.groups?.message} {...register('groups')} />
      <Button type="submit" variant="primary" disabled={isSubmitting}>Add user</Button>
    </form>
  );
}

export function DeleteDirectoryUser({ id }: { id: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      {error ? <span role="alert" className="text-xs text-red-700">{error}</span> : null}
      <Button variant="ghost" className="text-red-700" aria-label={`Delete ${id}`} onClick={async () => {
        if (!window.confirm(`Delete directory user ${id}?`)) return;
        const res = await deleteDirectoryUserAction({ id });
        if (res.ok) router.refresh(); else setError(res.message);
      }}>Delete</Button>
    </span>
  );
}
