'use client';
import { useRouter } from 'next/navigation';
import { addGrantAction, removeGrantAction } from '@/lib/actions/grants';
import { type AddGrantInput, addGrantSchema, ROLE_LABELS } from '@/lib/schemas/grant';
import { Field, SelectField } from '@/components/ui/field';
import { Options } from '@/components/ui/options';
import { useActionForm } from '@/components/actions/use-action-form';
import { CardForm } from '@/components/actions/action-form';
import { DestructiveButton } from '@/components/actions/action-button';

const ROLES = (['viewer', 'manager', 'admin'] as const).map((r) => ({ value: r, label: ROLE_LABELS[r] }));

export function AddGrantForm({ namespaceId }: { namespaceId: string }) {
  const router = useRouter();
  const grant = useActionForm({
    schema: addGrantSchema,
    action: addGrantAction,
    defaultValues: { namespaceId, subjectType: 'user', subject: '', role: 'viewer' },
    onSuccess: (_data, values) => {
      // This form grants to users and groups; service accounts get theirs from the API (or their page).
      grant.form.reset({
        namespaceId,
        subjectType: values.subjectType,
        subject: '',
        role: values.role,
      } as AddGrantInput);
      router.refresh();
    },
  });
  const { register, watch, formState } = grant.form;
  const { errors } = formState;
  const type = watch('subjectType');
  return (
    <CardForm of={grant} label="Grant a role" submitLabel="Grant role" columns="md:grid-cols-4">
      <SelectField label="Member type" {...register('subjectType')}>
        <option value="user">Console user</option>
        <option value="group">Directory group</option>
      </SelectField>
      <Field
        label={type === 'group' ? 'Group' : 'User email'}
        error={'subject' in errors ? errors.subject?.message : undefined}
        {...register('subject')}
      />
      <SelectField label="Role" error={errors.role?.message} {...register('role')}>
        <Options items={ROLES} />
      </SelectField>
    </CardForm>
  );
}

export function RemoveGrant({ id, subject }: { id: string; subject: string }) {
  return <DestructiveButton verb="Remove" target={subject} action={() => removeGrantAction({ id })} />;
}
