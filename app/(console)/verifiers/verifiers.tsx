'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { createVerifierAction, revokeVerifierAction } from '@/lib/actions/verifiers';
import type { VerifierRow } from '@/lib/dal/verifiers';
import { verifierNameSchema } from '@/lib/schemas/verifier';
import { Field } from '@/components/ui/field';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { LocalTime } from '@/components/ui/local-time';
import { ACTIONS, Cell, DataTable } from '@/components/ui/table';
import { useActionForm } from '@/components/actions/use-action-form';
import { CardForm } from '@/components/actions/action-form';
import { DestructiveButton } from '@/components/actions/action-button';

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
  const add = useActionForm({
    schema: verifierNameSchema,
    action: createVerifierAction,
    defaultValues: { name: '' },
    onSuccess: ({ name, credential }) => {
      add.form.reset();
      onCreated({ name, credential });
      router.refresh();
    },
  });
  const { register, formState } = add.form;
  return (
    <CardForm of={add} label="Add Verifier" submitLabel="Add Verifier" columns="md:grid-cols-[1fr_auto]">
      <Field
        label="Name"
        hint="Where it runs, e.g. edge-eu-1"
        error={formState.errors.name?.message}
        {...register('name')}
      />
    </CardForm>
  );
}

function CredentialOnce({ name, credential, onDone }: { name: string; credential: string; onDone: () => void }) {
  return (
    <SecretReveal
      card
      label="Verifier credential"
      secret={credential}
      notice={
        <>
          Copy the credential for <strong>{name}</strong> now and set it as <code>VERIFIER_CREDENTIAL</code> where the
          verifier runs.
        </>
      }
      onDone={onDone}
    />
  );
}

function state(v: VerifierRow, now: number): string {
  if (v.revokedAt) return 'Revoked';
  if (!v.lastSeenAt) return 'Never connected';
  return now - new Date(v.lastSeenAt).getTime() < CONNECTED_MS ? 'Connected' : 'Not connected';
}

function VerifierTable({ verifiers, now }: { verifiers: VerifierRow[]; now: number }) {
  return (
    <DataTable
      caption="Verifiers"
      columns={['Name', 'State', 'Last contact', 'State version', 'Address', ACTIONS]}
      rows={verifiers}
      empty="No verifiers yet."
      row={(v) => (
        <tr key={v.id} className={v.revokedAt ? 'text-slate-500' : undefined}>
          <Cell>{v.name}</Cell>
          <Cell className="whitespace-nowrap">{state(v, now)}</Cell>
          <Cell className="whitespace-nowrap">
            <LocalTime iso={iso(v.lastSeenAt)} empty="Never" />
          </Cell>
          <Cell className="font-mono text-xs">{v.stateVersion ?? '—'}</Cell>
          <Cell className="font-mono text-xs">{v.lastAddress ?? '—'}</Cell>
          <Cell className="text-right">
            {v.revokedAt ? null : (
              <DestructiveButton
                verb="Revoke"
                target={v.name}
                action={() => revokeVerifierAction({ id: v.id })}
                confirm={{
                  title: `Revoke the verifier "${v.name}"?`,
                  body: 'It is refused at once and answers 503 once it has not heard from the console for its staleness limit. Proxies using it must move to another verifier.',
                }}
              />
            )}
          </Cell>
        </tr>
      )}
    />
  );
}
