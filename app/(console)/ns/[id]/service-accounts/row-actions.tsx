'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { revokeServiceAccountAction, setServiceAccountDisabledAction, updateServiceAccountAction } from '@/lib/actions/service-accounts';
import { description as descriptionSchema } from '@/lib/schemas/service-account';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Modal } from '@/components/ui/modal';
import { Alert } from '@/components/ui/alert';

const editSchema = z.object({ description: descriptionSchema });

export function RowActions({ id, userId, description, disabled }: { id: string; userId: string; description: string; disabled: boolean }) {
  const router = useRouter();
  const [dialog, setDialog] = useState<'edit' | 'revoke' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm<z.infer<typeof editSchema>>({ resolver: zodResolver(editSchema), defaultValues: { description } });
  const close = () => { setDialog(null); setError(null); };

  const run = async (fn: () => Promise<{ ok: boolean; message?: string }>) => {
    setBusy(true);
    setError(null);
    const res = await fn();
    setBusy(false);
    if (!res.ok) { setError(res.message ?? 'Something went wrong.'); return false; }
    router.refresh();
    return true;
  };

  return (
    <div className="flex justify-end gap-1">
      <Button variant="ghost" aria-label={`Edit ${userId}`} onClick={() => { form.reset({ description }); setDialog('edit'); }}>Edit</Button>
      <Button variant="ghost" aria-label={`${disabled ? 'Enable' : 'Disable'} ${userId}`} disabled={busy}
        onClick={() => run(() => setServiceAccountDisabledAction({ id, disabled: !disabled }))}>
        {disabled ? 'Enable' : 'Disable'}
      </Button>
      <Button variant="ghost" className="text-red-700" aria-label={`Revoke ${userId}`} onClick={() => setDialog('revoke')}>Revoke</Button>
      {error && !dialog ? <span role="alert" className="text-xs text-red-700">{error}</span> : null}
      <Modal open={dialog === 'edit'} onClose={close} title={`Edit ${userId}`}>
        <form className="space-y-3 text-left" noValidate onSubmit={form.handleSubmit(async (v) => {
          if (await run(() => updateServiceAccountAction({ id, description: v.description }))) close();
        })}>
          {error ? <Alert>{error}</Alert> : null}
          <Field label="Description" autoFocus error={form.formState.errors.description?.message} {...form.register('description')} />
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={busy}>Save</Button>
          </div>
        </form>
      </Modal>
      <Modal open={dialog === 'revoke'} onClose={close} title={`Revoke ${userId}?`}>
        <div className="space-y-3 text-left">
          {error ? <Alert>{error}</Alert> : null}
          <p>The account is deleted and its token stops working at once, everywhere. This cannot be undone.</p>
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button variant="danger" disabled={busy} onClick={async () => { if (await run(() => revokeServiceAccountAction({ id }))) close(); }}>Revoke</Button>
          </div>
        </div>
      </Modal>
    </div>
  );
}
