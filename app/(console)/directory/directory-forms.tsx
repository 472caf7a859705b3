'use client';
import { useRouter } from 'next/navigation';
import { createDirectoryUserAction, deleteDirectoryUserAction } from '@/lib/actions/directory';
import { directoryUserSchema } from '@/lib/schemas/directory';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { useActionForm } from '@/components/actions/use-action-form';
import { FormError } from '@/components/actions/form-error';
import { ActionButton } from '@/components/actions/action-button';

export function DirectoryUserForm() {
  const router = useRouter();
  const { form, onSubmit, pending } = useActionForm({
    schema: directoryUserSchema,
    action: createDirectoryUserAction,
    defaultValues: { id: '', email: '', name: '', groups: '' },
    onSuccess: () => {
      form.reset();
      router.refresh();
    },
  });
  const {
    register,
    formState: { errors },
  } = form;
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label="Add directory user"
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-5 md:items-end"
    >
      {errors.root ? (
        <div className="md:col-span-5">
          <FormError form={form} />
        </div>
      ) : null}
      <Field label="ID" error={errors.id?.message} {...register('id')} />
      <Field label="Email" type="email" error={errors.email?.message} {...register('email')} />
      <Field label="Name" error={errors.name?.message} {...register('name')} />
      <Field label="Groups" hint="Comma-separated" error={errors.groups?.message} {...register('groups')} />
      <Button type="submit" variant="primary" disabled={pending} aria-busy={pending || undefined}>
        Add user
      </Button>
    </form>
  );
}

export function DeleteDirectoryUser({ id }: { id: string }) {
  return (
    <ActionButton
      variant="ghost"
      className="text-red-700"
      label={`Delete ${id}`}
      action={() => deleteDirectoryUserAction({ id })}
      confirm={{ title: `Delete directory user ${id}?`, body: 'This cannot be undone.', action: 'Delete' }}
    >
      Delete
    </ActionButton>
  );
}
