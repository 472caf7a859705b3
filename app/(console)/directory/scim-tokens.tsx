'use client';
import { createScimTokenAction, revokeScimTokenAction } from '@/lib/actions/scim-tokens';
import type { ScimTokenRow } from '@/lib/dal/scim-tokens';
import { scimTokenNameSchema } from '@/lib/schemas/scim-token';
import { LocalTime } from '@/components/ui/local-time';
import { ACTIONS, Cell, DataTable } from '@/components/ui/table';
import { DestructiveButton } from '@/components/actions/action-button';
import { IssueSecret, type IssueSecretText } from '@/components/actions/issue-secret';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/**
 * SCIM provisioning: the endpoint an IdP is given, and its bearer tokens. A new token is
 * shown once, from the action's answer; the list never holds one.
 */
const TEXT: IssueSecretText = {
  form: { label: 'Create SCIM token', submit: 'Create token' },
  name: { label: 'Token name', hint: 'Who will use it, e.g. Okta production' },
  secret: {
    label: 'SCIM token',
    notice: (name) => (
      <>
        Copy the token for <strong>{name}</strong> now and paste it into the identity provider.
      </>
    ),
  },
};

export function ScimTokens({ tokens, scimUrl }: { tokens: ScimTokenRow[]; scimUrl: string }) {
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
      <IssueSecret schema={scimTokenNameSchema} action={createScimTokenAction} secretOf={(t) => t.token} text={TEXT} />
      <TokenTable tokens={tokens} />
    </section>
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
