'use client';
import { useRouter } from 'next/navigation';
import { createDirectoryUserAction, deleteDirectoryUserAction } from '@/lib/actions/directory';
import { directoryUserSchema } from '@/lib/schemas/directory';
import { Field } from '@/components/ui/field';
import { useActionForm } from '@/components/actions/use-action-form';
import { CardForm } from '@/components/actions/action-form';
import { DestructiveButton } from '@/components/actions/action-button';

export function DirectoryUserForm() {
  const router = useRouter();
  const add = useActionForm({
    schema: directoryUserSchema,
    action: createDirectoryUserAction,
    defaultValues: { id: '', email: '', name: '', groups: '' },
    onSuccess: () => {
      add.form.reset();
      router.refresh();
    },
  });
  const { register, formState } = add.form;
  const { errors } = formState;
  return (
    <CardForm of={add} label="Add directory user" submitLabel="Add user" columns="md:grid-cols-5">
      <Field label="ID" error={errors.id?.message} {...register('id')} />
      <Field label="Email" type="email" error={errors.email?.message} {...register('email')} />
      <Field label="Name" error={errors.name?.message} {...register('name')} />
      <Field label="Groups" hint="Comma-separated" error={errors.groups?.message} {...register('groups')} />
    </CardForm>
  );
}

export function DeleteDirectoryUser({ id }: { id: string }) {
  return (
    <DestructiveButton
      verb="Delete"
      target={id}
      action={() => deleteDirectoryUserAction({ id })}
      confirm={{ title: `Delete directory user ${id}?`, body: 'This cannot be undone.' }}
    />
  );
}
