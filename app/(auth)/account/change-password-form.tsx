'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { signIn } from 'next-auth/react';
import { changePasswordAction } from '@/lib/actions/users';
import { changePasswordSchema, type ChangePasswordInput } from '@/lib/schemas/auth';
import { Field } from '@/components/ui/field';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/alert';
import { applyFieldErrors } from '@/components/ui/field-errors';

export function ChangePasswordForm({ email }: { email: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const { register, handleSubmit, reset, setError: setFieldError, formState: { errors, isSubmitting } } =
    useForm<ChangePasswordInput>({ resolver: zodResolver(changePasswordSchema), defaultValues: { current: '', password: '', confirm: '' } });
  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    setDone(false);
    const res = await changePasswordAction(values);
    if (!res.ok) {
      if (!applyFieldErrors(res.fieldErrors, setFieldError, ['current', 'password', 'confirm'])) setError(res.message);
      return;
    }
    // The change ended every session, this one too: sign in again with the new password.
    const again = await signIn('credentials', { email, password: values.password, redirect: false });
    reset();
    if (again?.ok && !again.error) {
      setDone(true);
      router.refresh();
    } else {
      router.replace('/signin');
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Change password" className="space-y-3">
      {error ? <Alert>{error}</Alert> : null}
      {done ? <Alert tone="success">Your password was changed. Your other sessions have been signed out.</Alert> : null}
      <Field label="Current password" type="password" autoComplete="current-password" error={errors.current?.message} {...register('current')} />
      <Field label="New password" type="password" autoComplete="new-password" hint="At least 12 characters." error={errors.password?.message} {...register('password')} />
      <Field label="Confirm new password" type="password" autoComplete="new-password" error={errors.confirm?.message} {...register('confirm')} />
      <Button type="submit" variant="primary" disabled={isSubmitting}>Change password</Button>
    </form>
  );
}
