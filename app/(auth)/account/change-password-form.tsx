'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { signIn } from 'next-auth/react';
import { changePasswordAction } from '@/lib/actions/users';
import { changePasswordSchema } from '@/lib/schemas/auth';
import { Field } from '@/components/ui/field';
import { NewPasswordFields } from '@/components/ui/password-fields';
import { Alert } from '@/components/ui/alert';
import { useActionForm } from '@/components/actions/use-action-form';
import { FormError } from '@/components/actions/form-error';
import { SubmitButton } from '@/components/actions/action-form';

export function ChangePasswordForm({ email }: { email: string }) {
  const router = useRouter();
  const [done, setDone] = useState(false);
  const { form, onSubmit, pending } = useActionForm({
    schema: changePasswordSchema,
    action: changePasswordAction,
    defaultValues: { current: '', password: '', confirm: '' },
    onSuccess: async (_data, values) => {
      // The change ended every session, this one too: sign in again with the new password.
      const again = await signIn('credentials', { email, password: values.password, redirect: false });
      form.reset();
      if (again?.ok && !again.error) {
        setDone(true);
        router.refresh();
      } else {
        router.replace('/signin');
      }
    },
  });
  return (
    <form
      onSubmit={(e) => {
        setDone(false);
        return onSubmit(e);
      }}
      noValidate
      aria-label="Change password"
      className="space-y-3"
    >
      <FormError form={form} />
      {done ? <Alert tone="success">Your password was changed. Your other sessions have been signed out.</Alert> : null}
      <Field
        label="Current password"
        type="password"
        autoComplete="current-password"
        error={form.formState.errors.current?.message}
        {...form.register('current')}
      />
      <NewPasswordFields form={form} label="New password" />
      <SubmitButton pending={pending}>Change password</SubmitButton>
    </form>
  );
}
