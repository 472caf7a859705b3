'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { createNamespaceAction, deleteNamespaceAction, renameNamespaceAction } from '@/lib/actions/namespaces';
import { namespaceName } from '@/lib/schemas/namespace';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Modal } from '@/components/ui/modal';
import { Alert } from '@/components/ui/alert';
import { applyFieldErrors } from '@/components/ui/field-errors';
import type { ActionResult } from '@/lib/actions/safe-action';

const nameForm = z.object({ name: namespaceName });
type NameForm = z.infer<typeof nameForm>;

function NameDialog({ title, submitLabel, initial, onClose, submit }: {
  title: string; submitLabel: string; initial: string; onClose: () => void;
  submit: (name: string) => Promise<ActionResult<{ id: string }>>;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const { register, handleSubmit, setError: setFieldError, formState: { errors, isSubmitting } } =
    useForm<NameForm>({ resolver: zodResolver(nameForm), defaultValues: { name: initial } });
  const onSubmit = handleSubmit(async ({ name }) => {
    setError(null);
    const res = await submit(name);
    if (res.ok) { onClose(); router.push(`/ns/${res.data.id}`); router.refresh(); return; }
    if (!applyFieldErrors(res.fieldErrors, setFieldError, ['name'])) setError(res.message);
  });
  return (
    <Modal open title={title} onClose={onClose}>
      <form onSubmit={onSubmit} noValidate className="space-y-3">
        {error ? <Alert>{error}</Alert> : null}
        <Field label="Name" autoFocus maxLength={200} error={errors.name?.message} {...register('name')} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={isSubmitting}>{submitLabel}</Button>
        </div>
      </form>
    </Modal>
  );
}

export function NamespaceActions({ id, name, isRoot }: { id: string; name: string; isRoot: boolean }) {
  const router = useRouter();
  const [open, setOpen] = useState<'add' | 'rename' | 'delete' | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => { setOpen(null); setDeleteError(null); };

  const confirmDelete = async () => {
    setBusy(true);
    // Success redirects to the parent (server side); only a refusal comes back here.
    const res = await deleteNamespaceAction({ id });
    setBusy(false);
    if (res && !res.ok) setDeleteError(res.message);
  };

  return (
    <div className="flex gap-2">
      <Button variant="primary" onClick={() => setOpen('add')}>Add Namespace</Button>
      {!isRoot ? <Button onClick={() => setOpen('rename')}>Rename</Button> : null}
      {!isRoot ? <Button variant="danger" onClick={() => setOpen('delete')}>Delete</Button> : null}
      {open === 'add' ? (
        <NameDialog title={`New namespace in ${name}`} submitLabel="Create" initial="" onClose={close}
          submit={(n) => createNamespaceAction({ parentId: id, name: n })} />
      ) : null}
      {open === 'rename' ? (
        <NameDialog title={`Rename ${name}`} submitLabel="Save" initial={name} onClose={close}
          submit={(n) => renameNamespaceAction({ id, name: n })} />
      ) : null}
      <Modal open={open === 'delete'} title={`Delete ${name}?`} onClose={close}>
        <div className="space-y-3">
          {deleteError ? <Alert>{deleteError}</Alert> : <p>This removes the namespace. It cannot be undone.</p>}
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button variant="danger" onClick={confirmDelete} disabled={busy || !!deleteError}>Delete</Button>
          </div>
        </div>
      </Modal>
    </div>
  );
}
