'use client';
import { useId, useState } from 'react';
import { useRouter } from 'next/navigation';
import { createVerifierAction, revokeVerifierAction } from '@/lib/actions/verifiers';
import type { VerifierRow } from '@/lib/dal/verifiers';
import { verifierNameSchema } from '@/lib/schemas/verifier';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Alert } from '@/components/ui/alert';
import { CopyButton } from '@/components/ui/copy-button';
import { LocalTime } from '@/components/ui/local-time';
import { useActionForm } from '@/components/actions/use-action-form';
import { FormError } from '@/components/actions/form-error';
import { ActionButton } from '@/components/actions/action-button';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
/** A verifier heard from within this long is connected (its stream beats every 2 s, contact is written every 5 s). */
const CONNECTED_MS = 30_000;

export function Verifiers({ verifiers, now }: { verifiers: VerifierRow[]; now: number }) {
  const [created, setCreated] = useState<{ name: string; credential: string } | null>(null);
  return (
    <section className="space-y-3">
      {created ? (
        <CredentialOnce {...created} onDone={() => setCreated(null)} />
      ) : (
        <AddVerifierForm onCreated={setCreated} />
      )}
      <VerifierTable verifiers={verifiers} now={now} />
    </section>
  );
}

function AddVerifierForm({ onCreated }: { onCreated: (v: { name: string; credential: string }) => void }) {
  const router = useRouter();
  const { form, onSubmit, pending } = useActionForm({
    schema: verifierNameSchema,
    action: createVerifierAction,
    defaultValues: { name: '' },
    onSuccess: ({ name, credential }) => {
      form.reset();
      onCreated({ name, credential });
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
      aria-label="Add Verifier"
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-[1fr_auto] md:items-end"
    >
      {errors.root ? (
        <div className="md:col-span-2">
          <FormError form={form} />
        </div>
      ) : null}
      <Field label="Name" hint="Where it runs, e.g. edge-eu-1" error={errors.name?.message} {...register('name')} />
      <Button type="submit" variant="primary" disabled={pending} aria-busy={pending || undefined}>
        Add Verifier
      </Button>
    </form>
  );
}

function CredentialOnce({ name, credential, onDone }: { name: string; credential: string; onDone: () => void }) {
  const id = useId();
  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <Alert tone="warning">
        Copy the credential for <strong>{name}</strong> now and set it as <code>VERIFIER_CREDENTIAL</code> where the
        verifier runs. <strong>It will not be shown again.</strong>
      </Alert>
      <div className="space-y-1">
        <label htmlFor={id} className="block text-sm font-medium text-slate-700">
          Verifier credential
        </label>
        <div className="flex gap-2">
          <input
            id={id}
            readOnly
            value={credential}
            spellCheck={false}
            autoComplete="off"
            onFocus={(e) => e.currentTarget.select()}
            className="block w-full rounded-md border border-slate-300 bg-slate-50 px-2.5 py-1.5 font-mono text-xs"
          />
          <CopyButton text={credential} />
        </div>
      </div>
      <div className="flex justify-end">
        <Button variant="primary" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}

function state(v: VerifierRow, now: number): string {
  if (v.revokedAt) return 'Revoked';
  if (!v.lastSeenAt) return 'Never connected';
  return now - new Date(v.lastSeenAt).getTime() < CONNECTED_MS ? 'Connected' : 'Not connected';
}

function VerifierTable({ verifiers, now }: { verifiers: VerifierRow[]; now: number }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left">
        <caption className="sr-only">Verifiers</caption>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-600 uppercase">
          <tr>
            <th className="px-3 py-2">Name</th>
            <th className="px-3 py-2">State</th>
            <th className="px-3 py-2">Last contact</th>
            <th className="px-3 py-2">State version</th>
            <th className="px-3 py-2">Address</th>
            <th className="px-3 py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {verifiers.length === 0 ? (
            <tr>
              <td colSpan={6} className="px-3 py-6 text-center text-slate-500">
                No verifiers yet.
              </td>
            </tr>
          ) : (
            verifiers.map((v) => (
              <tr key={v.id} className={v.revokedAt ? 'text-slate-500' : undefined}>
                <td className="px-3 py-2">{v.name}</td>
                <td className="px-3 py-2 whitespace-nowrap">{state(v, now)}</td>
                <td className="px-3 py-2 whitespace-nowrap">
                  <LocalTime iso={iso(v.lastSeenAt)} empty="Never" />
                </td>
                <td className="px-3 py-2 font-mono text-xs">{v.stateVersion ?? '—'}</td>
                <td className="px-3 py-2 font-mono text-xs">{v.lastAddress ?? '—'}</td>
                <td className="px-3 py-2 text-right">
                  {v.revokedAt ? null : (
                    <ActionButton
                      variant="ghost"
                      className="text-red-700"
                      label={`Revoke ${v.name}`}
                      action={() => revokeVerifierAction({ id: v.id })}
                      confirm={{
                        title: `Revoke the verifier "${v.name}"?`,
                        body: 'It is refused at once and answers 503 once it has not heard from the console for its staleness limit. Proxies using it must move to another verifier.',
                        action: 'Revoke',
                      }}
                    >
                      Revoke
                    </ActionButton>
                  )}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
