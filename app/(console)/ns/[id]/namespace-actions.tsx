'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { createNamespaceAction, deleteNamespaceAction, renameNamespaceAction } from '@/lib/actions/namespaces';
import { namespaceNameSchema } from '@/lib/schemas/namespace';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Modal } from '@/components/ui/modal';
import { useActionForm, type ActionAnswer } from '@/components/actions/use-action-form';
import { DialogForm } from '@/components/actions/action-form';
import { ActionButton } from '@/components/actions/action-button';

function NameDialog({
  title,
  submitLabel,
  initial,
  onClose,
  action,
}: {
  title: string;
  submitLabel: string;
  initial: string;
  onClose: () => void;
  action: (input: { name: string }) => Promise<ActionAnswer<{ id: string }>>;
}) {
  const router = useRouter();
  const named = useActionForm({
    schema: namespaceNameSchema,
    action,
    defaultValues: { name: initial },
    onSuccess: ({ id }) => {
      onClose();
      router.push(`/ns/${id}`);
      router.refresh();
    },
  });
  return (
    <Modal open title={title} onClose={onClose}>
      <DialogForm of={named} submitLabel={submitLabel} onCancel={onClose}>
        <Field
          label="Name"
          autoFocus
          maxLength={200}
          error={named.form.formState.errors.name?.message}
          {...named.form.register('name')}
        />
      </DialogForm>
    </Modal>
  );
}

export function NamespaceActions({ id, name, isRoot }: { id: string; name: string; isRoot: boolean }) {
  const [open, setOpen] = useState<'add' | 'rename' | null>(null);
  const close = () => setOpen(null);

  return (
    <div className="flex gap-2">
      <Button variant="primary" onClick={() => setOpen('add')}>
        Add Namespace
      </Button>
      {!isRoot ? <Button onClick={() => setOpen('rename')}>Rename</Button> : null}
      {!isRoot ? (
        // Success redirects to the parent (server side); only a refusal comes back here.
        <ActionButton
          variant="danger"
          action={() => deleteNamespaceAction({ id })}
          confirm={{
            title: `Delete ${name}?`,
            body: 'This removes the namespace. It cannot be undone.',
            action: 'Delete',
          }}
        >
          Delete
        </ActionButton>
      ) : null}
      {open === 'add' ? (
        <NameDialog
          title={`New namespace in ${name}`}
          submitLabel="Create"
          initial=""
          onClose={close}
          action={({ name: n }) => createNamespaceAction({ parentId: id, name: n })}
        />
      ) : null}
      {open === 'rename' ? (
        <NameDialog
          title={`Rename ${name}`}
          submitLabel="Save"
          initial={name}
          onClose={close}
          action={({ name: n }) => renameNamespaceAction({ id, name: n })}
        />
      ) : null}
    </div>
  );
}
