'use client';
import type { UseFormReturn } from 'react-hook-form';
import { Field } from '@/components/ui/field';

interface NewPassword {
  password: string;
  confirm: string;
}

/**
 * A new password and its confirmation, for forms whose schema has `password` and `confirm`
 * (setup, invite, change password): the browser's password manager is told they are new.
 */
export function NewPasswordFields<V extends NewPassword>({
  form,
  label = 'Password',
  autoFocus,
}: {
  form: UseFormReturn<V>;
  /** The first field's label; the second is "Confirm <label>". */
  label?: string;
  autoFocus?: boolean;
}) {
  // The two names exist in every V; react-hook-form cannot see that through the generic.
  const { register, formState } = form as unknown as UseFormReturn<NewPassword>;
  return (
    <>
      <Field
        label={label}
        type="password"
        autoComplete="new-password"
        autoFocus={autoFocus}
        hint="At least 12 characters."
        error={formState.errors.password?.message}
        {...register('password')}
      />
      <Field
        label={`Confirm ${label.toLowerCase()}`}
        type="password"
        autoComplete="new-password"
        error={formState.errors.confirm?.message}
        {...register('confirm')}
      />
    </>
  );
}
