'use client';
import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import { acceptInviteAction } from '@/lib/actions/users';
import { acceptInviteSchema } from '@/lib/schemas/auth';
import { Field } from '@/components/ui/field';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/alert';
import { useActionForm } from '@/components/actions/use-action-form';
import { FormError } from '@/components/actions/form-error';

const INCOMPLETE = 'This link is incomplete. Open the whole invite link you were sent.';

export function InviteForm() {
  const router = useRouter();
  const [token, setToken] = useState<string | null>(null);
  const { form, onSubmit, pending } = useActionForm({
    schema: acceptInviteSchema,
    action: acceptInviteAction,
    defaultValues: { token: '', password: '', confirm: '' },
    onSuccess: () => router.replace('/signin?invited=1'),
  });
  const {
    register,
    setValue,
    formState: { errors },
  } = form;
  useEffect(() => {
    const t = window.location.hash.slice(1);
    setToken(t);
    setValue('token', t);
    // Out of the address bar (and history) as soon as it is read.
    window.history.replaceState(null, '', window.location.pathname);
  }, [setValue]);
  if (token === '') return <Alert>{INCOMPLETE}</Alert>;
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      {errors.token ? <Alert>{INCOMPLETE}</Alert> : <FormError form={form} />}
      <input type="hidden" {...register('token')} />
      <Field
        label="Password"
        type="password"
        autoComplete="new-password"
        autoFocus
        hint="At least 12 characters."
        error={errors.password?.message}
        {...register('password')}
      />
      <Field
        label="Confirm password"
        type="password"
        autoComplete="new-password"
        error={errors.confirm?.message}
        {...register('confirm')}
      />
      <Button
        type="submit"
        variant="primary"
        className="w-full"
        disabled={pending || token === null}
        aria-busy={pending || undefined}
      >
        Set password
      </Button>
    </form>
  );
}
