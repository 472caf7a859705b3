'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { createScimTokenAction, revokeScimTokenAction } from '@/lib/actions/scim-tokens';
import type { ScimTokenRow } from '@/lib/dal/scim-tokens';
import { scimTokenNameSchema } from '@/lib/schemas/scim-token';
import { Field } from '@/components/ui/field';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { LocalTime } from '@/components/ui/local-time';
import { ACTIONS, Cell, DataTable } from '@/components/ui/table';
import { useActionForm } from '@/components/actions/use-action-form';
import { CardForm } from '@/components/actions/action-form';
import { DestructiveButton } from '@/components/actions/action-button';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/**
 * SCIM provisioning: the endpoint an IdP is given, and its bearer tokens. A new token is
 * shown once, from the action's answer; the list never holds one.
 */
export function ScimTokens({ tokens, scimUrl }: { tokens: ScimTokenRow[]; scimUrl: string }) {
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  return (
    <section aria-labelledby="scim-heading" className="mt-6 space-y-3">
      <div>
        <h2 id="scim-heading" className="text-lg font-semibold">
          SCIM provisioning
        </h2>
        <p className="text-sm text-slate-600">
          Okta, Microsoft Entra ID and OneLogin can create, update and deactivate directory users and groups through
          SCIM 2.0. Give the identity provider the base URL{' '}
          <code className="rounded bg-slate-100 px-1 font-mono text-xs">{scimUrl}</code> and a token.
        </p>
      </div>
      {created ? (
        <TokenOnce {...created} onDone={() => setCreated(null)} />
      ) : (
        <CreateTokenForm onCreated={setCreated} />
      )}
      <TokenTable tokens={tokens} />
    </section>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (t: { name: string; token: string }) => void }) {
  const router = useRouter();
  const create = useActionForm({
    schema: scimTokenNameSchema,
    action: createScimTokenAction,
    defaultValues: { name: '' },
    onSuccess: ({ name, token }) => {
      create.form.reset();
      onCreated({ name, token });
      router.refresh();
    },
  });
  const { register, formState } = create.form;
  return (
    <CardForm of={create} label="Create SCIM token" submitLabel="Create token" columns="md:grid-cols-[1fr_auto]">
      <Field
        label="Token name"
        hint="Who will use it, e.g. Okta production"
        error={formState.errors.name?.message}
        {...register('name')}
      />
    </CardForm>
  );
}

function TokenOnce({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  return (
    <SecretReveal
      card
      label="SCIM token"
      secret={token}
      notice={
        <>
          Copy the token for <strong>{name}</strong> now and paste it into the identity provider.
        </>
      }
      onDone={onDone}
    />
  );
}

function TokenTable({ tokens }: { tokens: ScimTokenRow[] }) {
  return (
    <DataTable
      caption="SCIM tokens"
      columns={['Name', 'Created', 'Last used', 'Status', ACTIONS]}
      rows={tokens}
      empty="No SCIM tokens yet."
      row={(t) => (
        <tr key={t.id} className={t.revokedAt ? 'text-slate-500' : undefined}>
          <Cell>{t.name}</Cell>
          <Cell className="whitespace-nowrap">
            <LocalTime iso={iso(t.createdAt)} />
          </Cell>
          <Cell className="whitespace-nowrap">
            <LocalTime iso={iso(t.lastUsedAt)} empty="Never" />
          </Cell>
          <Cell className="whitespace-nowrap">
            {t.revokedAt ? (
              <>
                Revoked <LocalTime iso={iso(t.revokedAt)} />
              </>
            ) : (
              'Active'
            )}
          </Cell>
          <Cell className="text-right">{t.revokedAt ? null : <RevokeToken id={t.id} name={t.name} />}</Cell>
        </tr>
      )}
    />
  );
}

function RevokeToken({ id, name }: { id: string; name: string }) {
  return (
    <DestructiveButton
      verb="Revoke"
      target={name}
      action={() => revokeScimTokenAction({ id })}
      confirm={{
        title: `Revoke the SCIM token "${name}"?`,
        body: 'The identity provider using it stops provisioning at once.',
      }}
    />
  );
}
