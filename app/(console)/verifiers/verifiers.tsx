'use client';
import { createVerifierAction, revokeVerifierAction } from '@/lib/actions/verifiers';
import type { VerifierRow } from '@/lib/dal/verifiers';
import { verifierNameSchema } from '@/lib/schemas/verifier';
import { LocalTime } from '@/components/ui/local-time';
import { ACTIONS, Cell, DataTable } from '@/components/ui/table';
import { DestructiveButton } from '@/components/actions/action-button';
import { IssueSecret, type IssueSecretText } from '@/components/actions/issue-secret';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
/** A verifier heard from within this long is connected (its stream beats every 2 s, contact is written every 5 s). */
const CONNECTED_MS = 30_000;

const TEXT: IssueSecretText = {
  form: { label: 'Add Verifier', submit: 'Add Verifier' },
  name: { label: 'Name', hint: 'Where it runs, e.g. edge-eu-1' },
  secret: {
    label: 'Verifier credential',
    notice: (name) => (
      <>
        Copy the credential for <strong>{name}</strong> now and set it as <code>VERIFIER_CREDENTIAL</code> where the
        verifier runs.
      </>
    ),
  },
};

export function Verifiers({ verifiers, now }: { verifiers: VerifierRow[]; now: number }) {
  return (
    <section className="space-y-3">
      <IssueSecret
        schema={verifierNameSchema}
        action={createVerifierAction}
        secretOf={(v) => v.credential}
        text={TEXT}
      />
      <VerifierTable verifiers={verifiers} now={now} />
    </section>
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
