'use client';
import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import { acceptInviteAction } from '@/lib/actions/users';
import { acceptInviteSchema } from '@/lib/schemas/auth';
import { NewPasswordFields } from '@/components/ui/password-fields';
import { Alert } from '@/components/ui/alert';
import { useActionForm } from '@/components/actions/use-action-form';
import { FormError } from '@/components/actions/form-error';
import { SubmitButton } from '@/components/actions/action-form';

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
      <NewPasswordFields form={form} autoFocus />
      <SubmitButton pending={pending} disabled={token === null} className="w-full">
        Set password
      </SubmitButton>
    </form>
  );
}
