'use client';
import { useRouter } from 'next/navigation';
import { setupSchema } from '@/lib/schemas/auth';
import { setupAdminAction } from '@/lib/actions/setup';
import { Field } from '@/components/ui/field';
import { NewPasswordFields } from '@/components/ui/password-fields';
import { useActionForm } from '@/components/actions/use-action-form';
import { FormError } from '@/components/actions/form-error';
import { SubmitButton } from '@/components/actions/action-form';

export function SetupForm() {
  const router = useRouter();
  const { form, onSubmit, pending } = useActionForm({
    schema: setupSchema,
    action: setupAdminAction,
    defaultValues: { code: '', email: '', password: '', confirm: '' },
    onSuccess: () => router.replace('/signin?setup=1'),
  });
  const {
    register,
    formState: { errors },
  } = form;

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      <FormError form={form} />
      <Field
        label="Setup code"
        autoComplete="off"
        autoFocus
        spellCheck={false}
        hint="From the server log: “First-run setup code: …”."
        error={errors.code?.message}
        {...register('code')}
      />
      <Field label="Email" type="email" autoComplete="username" error={errors.email?.message} {...register('email')} />
      <NewPasswordFields form={form} />
      <SubmitButton pending={pending} className="w-full">
        Create administrator
      </SubmitButton>
    </form>
  );
}
