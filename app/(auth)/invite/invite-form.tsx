'use client';
import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { acceptInviteAction } from '@/lib/actions/users';
import { acceptInviteSchema, type AcceptInviteInput } from '@/lib/schemas/auth';
import { Field } from '@/components/ui/field';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/alert';
import { applyFieldErrors } from '@/components/ui/field-errors';

export function InviteForm() {
  const router = useRouter();
  const [token, setToken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { register, handleSubmit, setValue, setError: setFieldError, formState: { errors, isSubmitting } } =
    useForm<AcceptInviteInput>({ resolver: zodResolver(acceptInviteSchema), defaultValues: { token: '', password: '', confirm: '' } });
  useEffect(() => {
    const t = window.location.hash.slice(1);
    setToken(t);
    setValue('token', t);
    // Out of the address bar (and history) as soon as it is read.
    window.history.replaceState(null, '', window.location.pathname);
  }, [setValue]);
  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    const res = await acceptInviteAction(values);
    if (res.ok) return router.replace(`/signin?invited=1`);
    if (!applyFieldErrors(res.fieldErrors, setFieldError, ['password', 'confirm'])) setError(res.message);
  });
  if (token === '') return <Alert>This link is incomplete. Open the whole invite link you were sent.</Alert>;
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      {error || errors.token ? <Alert>{error ?? 'This link is incomplete. Open the whole invite link you were sent.'}</Alert> : null}
      <input type="hidden" {...register('token')} />
      <Field label="Password" type="password" autoComplete="new-password" autoFocus hint="At least 12 characters." error={errors.password?.message} {...register('password')} />
      <Field label="Confirm password" type="password" autoComplete="new-password" error={errors.confirm?.message} {...register('confirm')} />
      <Button type="submit" variant="primary" className="w-full" disabled={isSubmitting || token === null}>Set password</Button>
    </form>
  );
}
