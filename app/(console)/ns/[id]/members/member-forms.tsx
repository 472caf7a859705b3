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

/** A service account that may be given a role here (one of this namespace or below it). */
export interface GrantableAccount {
  id: string;
  label: string;
}

export function AddGrantForm({
  namespaceId,
  accounts,
  moreAccounts = false,
}: {
  namespaceId: string;
  accounts: GrantableAccount[];
  /** More accounts exist than are offered (the rest get a role from the API). */
  moreAccounts?: boolean;
}) {
  const router = useRouter();
  const grant = useActionForm({
    schema: addGrantSchema,
    action: addGrantAction,
    defaultValues: {
      namespaceId,
      subjectType: 'user',
      subject: '',
      serviceAccountId: '',
      role: 'viewer',
    } as AddGrantInput,
    onSuccess: (_data, values) => {
      grant.form.reset({
        namespaceId,
        subjectType: values.subjectType,
        subject: '',
        serviceAccountId: '',
        role: values.role,
      } as AddGrantInput);
      router.refresh();
    },
  });
  const { register, watch, formState } = grant.form;
  const errors = formState.errors as Partial<Record<'subject' | 'serviceAccountId' | 'role', { message?: string }>>;
  const type = watch('subjectType');
  return (
    <CardForm of={grant} label="Grant a role" submitLabel="Grant role" columns="md:grid-cols-4">
      <SelectField label="Member type" {...register('subjectType')}>
        <option value="user">Console user</option>
        <option value="group">Directory group</option>
        <option value="service_account">Service account</option>
      </SelectField>
      {type === 'service_account' ? (
        <SelectField
          label="Service account"
          error={errors.serviceAccountId?.message}
          hint={
            accounts.length === 0
              ? 'This namespace has no service accounts.'
              : moreAccounts
                ? `The first ${accounts.length} by user ID; give others a role through the REST API.`
                : 'It calls the REST API with its own token, with this role.'
          }
          {...register('serviceAccountId')}
        >
          <option value="">Choose an account…</option>
          <Options items={accounts} />
        </SelectField>
      ) : (
        <Field
          label={type === 'group' ? 'Group' : 'User email'}
          error={errors.subject?.message}
          {...register('subject')}
        />
      )}
      <SelectField label="Role" error={errors.role?.message} {...register('role')}>
        <Options items={ROLES} />
      </SelectField>
    </CardForm>
  );
}

export function RemoveGrant({ id, subject }: { id: string; subject: string }) {
  return <DestructiveButton verb="Remove" target={subject} action={() => removeGrantAction({ id })} />;
}
