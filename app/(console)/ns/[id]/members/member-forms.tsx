'use client';
import { useRouter } from 'next/navigation';
import { addGrantAction, removeGrantAction } from '@/lib/actions/grants';
import { addGrantSchema, ROLE_LABELS } from '@/lib/schemas/grant';
import { Button } from '@/components/ui/button';
import { Field, SelectField } from '@/components/ui/field';
import { useActionForm } from '@/components/actions/use-action-form';
import { FormError } from '@/components/actions/form-error';
import { ActionButton } from '@/components/actions/action-button';

export function AddGrantForm({ namespaceId }: { namespaceId: string }) {
  const router = useRouter();
  const { form, onSubmit, pending } = useActionForm({
    schema: addGrantSchema,
    action: addGrantAction,
    defaultValues: { namespaceId, subjectType: 'user', subject: '', role: 'viewer' },
    onSuccess: (_data, values) => {
      form.reset({ namespaceId, subjectType: values.subjectType, subject: '', role: values.role });
      router.refresh();
    },
  });
  const {
    register,
    watch,
    formState: { errors },
  } = form;
  const type = watch('subjectType');
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label="Grant a role"
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-4 md:items-end"
    >
      {errors.root ? (
        <div className="md:col-span-4">
          <FormError form={form} />
        </div>
      ) : null}
      <SelectField label="Member type" {...register('subjectType')}>
        <option value="user">Console user</option>
        <option value="group">Directory group</option>
      </SelectField>
      <Field
        label={type === 'group' ? 'Group' : 'User email'}
        error={errors.subject?.message}
        {...register('subject')}
      />
      <SelectField label="Role" error={errors.role?.message} {...register('role')}>
        {(['viewer', 'manager', 'admin'] as const).map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </SelectField>
      <Button type="submit" variant="primary" disabled={pending} aria-busy={pending || undefined}>
        Grant role
      </Button>
    </form>
  );
}

export function RemoveGrant({ id, subject }: { id: string; subject: string }) {
  return (
    <ActionButton
      variant="ghost"
      className="text-red-700"
      label={`Remove ${subject}`}
      action={() => removeGrantAction({ id })}
    >
      Remove
    </ActionButton>
  );
}
