'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { setupSchema, type SetupInput } from '@/lib/schemas/auth';
import { setupAdminAction } from '@/lib/actions/setup';
import { Field } from '@/components/ui/field';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/alert';
import { applyFieldErrors } from '@/components/ui/field-errors';

export function SetupForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const { register, handleSubmit, setError: setFieldError, formState: { errors, isSubmitting } } =
    useForm<SetupInput>({ resolver: zodResolver(setupSchema) });

  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    const res = await setupAdminAction(values);
    if (res.ok) return router.replace('/signin?setup=1');
    if (!applyFieldErrors(res.fieldErrors, setFieldError, ['code', 'email', 'password', 'confirm'])) setError(res.message);
  });

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Setup code" autoComplete="off" autoFocus spellCheck={false} hint="From the server log: “First-run setup code: …”." error={errors.code?.message} {...register('code')} />
      <Field label="Email" type="email" autoComplete="username" error={errors.email?.message} {...register('email')} />
      <Field label="Password" type="password" autoComplete="new-password" hint="At least 12 characters." error={errors.password?.message} {...register('password')} />
      <Field label="Confirm password" type="password" autoComplete="new-password" error={errors.confirm?.message} {...register('confirm')} />
      <Button type="submit" variant="primary" className="w-full" disabled={isSubmitting}>Create administrator</Button>
    </form>
  );
}
