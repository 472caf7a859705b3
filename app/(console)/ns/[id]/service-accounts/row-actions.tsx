'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import {
  revokeServiceAccountAction,
  setServiceAccountDisabledAction,
  updateServiceAccountAction,
} from '@/lib/actions/service-accounts';
import { serviceAccountDescriptionSchema } from '@/lib/schemas/service-account';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Modal } from '@/components/ui/modal';
import { useActionForm } from '@/components/actions/use-action-form';
import { DialogForm } from '@/components/actions/action-form';
import { ActionButton, DestructiveButton } from '@/components/actions/action-button';
import type { EffectiveLifetimeRule } from '@/lib/schemas/lifetime-rule';
import { RotateServiceAccount } from './rotate-service-account';

export function RowActions({
  id,
  userId,
  description,
  disabled,
  rotation,
}: {
  id: string;
  userId: string;
  description: string;
  disabled: boolean;
  /** Offered when the viewer may rotate this account: the lifetime rule of its namespace. */
  rotation: EffectiveLifetimeRule | null;
}) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const edit = useActionForm({
    schema: serviceAccountDescriptionSchema,
    action: updateServiceAccountAction,
    extra: { id },
    defaultValues: { description },
    onSuccess: () => {
      setEditing(false);
      router.refresh();
    },
  });

  return (
    <div className="flex justify-end gap-1">
      {rotation ? <RotateServiceAccount id={id} userId={userId} disabled={disabled} rule={rotation} /> : null}
      <Button
        variant="ghost"
        aria-label={`Edit ${userId}`}
        onClick={() => {
          edit.form.reset({ description });
          setEditing(true);
        }}
      >
        Edit
      </Button>
      <ActionButton
        variant="ghost"
        label={`${disabled ? 'Enable' : 'Disable'} ${userId}`}
        action={() => setServiceAccountDisabledAction({ id, disabled: !disabled })}
      >
        {disabled ? 'Enable' : 'Disable'}
      </ActionButton>
      <DestructiveButton
        verb="Revoke"
        target={userId}
        action={() => revokeServiceAccountAction({ id })}
        confirm={{
          title: `Revoke ${userId}?`,
          body: 'The account is deleted and its token stops working at once, everywhere. This cannot be undone.',
        }}
      />
      <Modal open={editing} onClose={() => setEditing(false)} title={`Edit ${userId}`}>
        <DialogForm of={edit} submitLabel="Save" onCancel={() => setEditing(false)}>
          <Field
            label="Description"
            autoFocus
            error={edit.form.formState.errors.description?.message}
            {...edit.form.register('description')}
          />
        </DialogForm>
      </Modal>
    </div>
  );
}
