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

/** `ssoName`: the identity provider's name when single sign-on is configured, else null. */
export function SignInForm({ next, ssoName }: { next: string; ssoName: string | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [redirecting, setRedirecting] = useState(false);
  const {
    register,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm<SignInInput>({ resolver: zodResolver(signInSchema) });

  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    const res = await signIn('credentials', { ...values, redirect: false });
    if (res?.ok && !res.error) {
      router.replace(next);
      router.refresh();
      return;
    }
    const throttled = res?.error?.match(/^throttled:(\d+)$/);
    setError(
      throttled
        ? `Too many sign-in attempts. Try again in ${throttled[1]} seconds.`
        : res?.error === 'busy'
          ? 'The server is busy checking other sign-ins. Try again in a moment.'
          : 'Wrong email or password.',
    );
  });

  const onSso = async () => {
    setRedirecting(true);
    // Leaves the page for the identity provider; failures come back as /signin?error=...
    await signIn('oidc', { callbackUrl: next }).catch(() => setRedirecting(false));
  };

  return (
    <>
      {ssoName ? (
        <div className="mb-4 space-y-4">
          <Button variant="primary" className="w-full" disabled={redirecting} onClick={onSso}>
            {redirecting ? 'Redirecting…' : `Sign in with ${ssoName}`}
          </Button>
          <p className="flex items-center gap-2 text-xs text-slate-500 before:h-px before:flex-1 before:bg-slate-200 after:h-px after:flex-1 after:bg-slate-200">
            or with your password
          </p>
        </div>
      ) : null}
      <form onSubmit={onSubmit} noValidate className="space-y-3">
        {error ? <Alert>{error}</Alert> : null}
        <Field
          label="Email"
          type="email"
          autoComplete="username"
          autoFocus
          error={errors.email?.message}
          {...register('email')}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          error={errors.password?.message}
          {...register('password')}
        />
        <Button type="submit" variant={ssoName ? 'secondary' : 'primary'} className="w-full" disabled={isSubmitting}>
          {isSubmitting ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </>
  );
}
