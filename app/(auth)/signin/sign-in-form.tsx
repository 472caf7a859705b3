'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { signIn } from 'next-auth/react';
import { signInSchema, type SignInInput } from '@/lib/schemas/auth';
import { Field } from '@/components/ui/field';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/alert';

export function SignInForm({ next }: { next: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const { register, handleSubmit, formState: { errors, isSubmitting } } = useForm<SignInInput>({ resolver: zodResolver(signInSchema) });

  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    const res = await signIn('credentials', { ...values, redirect: false });
    if (res?.ok && !res.error) {
      router.replace(next);
      router.refresh();
      return;
    }
    const throttled = res?.error?.match(/^throttled:(\d+)$/);
    setError(throttled ? `Too many failed attempts. Try again in ${throttled[1]} seconds.` : 'Wrong email or password.');
  });

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Email" type="email" autoComplete="username" autoFocus error={errors.email?.message} {...register('email')} />
      <Field label="Password" type="password" autoComplete="current-password" error={errors.password?.message} {...register('password')} />
      <Button type="submit" variant="primary" className="w-full" disabled={isSubmitting}>
        {isSubmitting ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
