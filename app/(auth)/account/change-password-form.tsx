'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { signIn } from 'next-auth/react';
import { changePasswordAction } from '@/lib/actions/users';
import { changePasswordSchema } from '@/lib/schemas/auth';
import { Field } from '@/components/ui/field';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/alert';
import { useActionForm } from '@/components/actions/use-action-form';
import { FormError } from '@/components/actions/form-error';

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
  const {
    register,
    formState: { errors },
  } = form;
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
        error={errors.current?.message}
        {...register('current')}
      />
      <Field
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="At least 12 characters."
        error={errors.password?.message}
        {...register('password')}
      />
      <Field
        label="Confirm new password"
        type="password"
        autoComplete="new-password"
        error={errors.confirm?.message}
        {...register('confirm')}
      />
      <Button type="submit" variant="primary" disabled={pending} aria-busy={pending || undefined}>
        Change password
      </Button>
    </form>
  );
}
