'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { createServiceAccountAction } from '@/lib/actions/service-accounts';
import { createServiceAccountSchema } from '@/lib/schemas/service-account';
import { defaultExpiration, type EffectiveLifetimeRule } from '@/lib/schemas/lifetime-rule';
import { Button } from '@/components/ui/button';
import { Field, SelectField } from '@/components/ui/field';
import { Options } from '@/components/ui/options';
import { Modal } from '@/components/ui/modal';
import { useActionForm } from '@/components/actions/use-action-form';
import { DialogForm } from '@/components/actions/action-form';
import { TokenReveal } from './token-reveal';
import { ExpirationFields } from './expiration-fields';

type Created = { userId: string; token: string; expiresAt: string | null };

export function AddServiceAccount({
  namespaceId,
  namespaceName,
  directoryUsers,
  rule,
}: {
  namespaceId: string;
  namespaceName: string;
  directoryUsers: { id: string; label: string }[];
  /** The namespace's lifetime rule: expiry choices outside it are disabled. */
  rule: EffectiveLifetimeRule;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  // The JWT lives only in this component's state while the dialog is open.
  const [created, setCreated] = useState<Created | null>(null);
  const add = useActionForm({
    schema: createServiceAccountSchema,
    // datetime-local is the viewer's wall-clock time; send the instant, stored in UTC.
    action: (values) =>
      createServiceAccountAction({
        ...values,
        customExpiresAt:
          values.expiration === 'custom' && values.customExpiresAt
            ? new Date(values.customExpiresAt).toISOString()
            : undefined,
      }),
    defaultValues: {
      namespaceId,
      kind: 'service',
      userId: '',
      description: '',
      expiration: defaultExpiration(rule),
      customExpiresAt: '',
    },
    onSuccess: ({ userId, token, expiresAt }) => setCreated({ userId, token, expiresAt }),
  });
  const { register, watch, reset, formState } = add.form;
  const { errors } = formState;
  const kind = watch('kind');
  const expiration = watch('expiration');

  const close = () => {
    setOpen(false);
    setCreated(null);
    reset();
    router.refresh();
  };

  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)}>
        Add Service Account
      </Button>
      <Modal
        open={open}
        onClose={close}
        title={created ? 'Service account created' : `Add service account to ${namespaceName}`}
        wide={!!created}
      >
        {created ? (
          <TokenReveal token={created.token} userId={created.userId} expiresAt={created.expiresAt} onDone={close} />
        ) : (
          <DialogForm of={add} submitLabel="Submit" onCancel={close}>
            <fieldset className="space-y-1">
              <legend className="text-sm font-medium text-slate-700">Identity</legend>
              <label className="flex items-center gap-2">
                <input type="radio" value="service" {...register('kind')} /> A unique user ID
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" value="impersonate" {...register('kind')} disabled={directoryUsers.length === 0} />{' '}
                Impersonate a directory user{directoryUsers.length === 0 ? ' (the directory is empty)' : ''}
              </label>
            </fieldset>
            {kind === 'service' ? (
              <Field
                label="User ID"
                autoComplete="off"
                spellCheck={false}
                error={errors.userId?.message}
                hint="Unique across the install. Letters, digits and . - _ @. Policies refer to it in the user criterion."
                {...register('userId')}
              />
            ) : (
              <SelectField
                label="Directory user"
                error={errors.directoryUserId?.message}
                {...register('directoryUserId')}
              >
                <option value="">Choose a user…</option>
                <Options items={directoryUsers} />
              </SelectField>
            )}
            <Field label="Description" error={errors.description?.message} {...register('description')} />
            <ExpirationFields
              rule={rule}
              expiration={expiration}
              select={register('expiration')}
              custom={register('customExpiresAt')}
              errors={{ expiration: errors.expiration?.message, customExpiresAt: errors.customExpiresAt?.message }}
            />
          </DialogForm>
        )}
      </Modal>
    </>
  );
}
