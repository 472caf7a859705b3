'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { createApiKeyAction, revokeApiKeyAction } from '@/lib/actions/api-keys';
import type { ApiKeyRow } from '@/lib/dal/api-keys';
import type { Role } from '@/lib/dal/authz';
import { createApiKeySchema } from '@/lib/schemas/api-key';
import { ROLE_LABELS } from '@/lib/schemas/grant';
import { Button } from '@/components/ui/button';
import { Field, SelectField } from '@/components/ui/field';
import { LocalTime } from '@/components/ui/local-time';
import { Modal } from '@/components/ui/modal';
import { Options } from '@/components/ui/options';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { ACTIONS, Cell, DataTable } from '@/components/ui/table';
import { DestructiveButton } from '@/components/actions/action-button';
import { DialogForm } from '@/components/actions/action-form';
import { useActionForm } from '@/components/actions/use-action-form';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/** Expiry choices, in days; '' is "Never". */
const EXPIRY = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: '', label: 'Never' },
];

type Created = { name: string; roleCap: Role; expiresAt: string | null; key: string };

/**
 * "Create API key": a name, a role cap among the caller's own roles (the server refuses a
 * higher one anyway) and an expiry; then the key, shown once in the same dialog. The key
 * lives only in this component's state while the dialog is open.
 */
export function CreateApiKey({ roles }: { roles: readonly Role[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const create = useActionForm({
    schema: createApiKeySchema,
    action: createApiKeyAction,
    defaultValues: { name: '', roleCap: roles[0] ?? 'viewer', expiresInDays: 90 },
    onSuccess: ({ apiKey, key }) =>
      setCreated({ name: apiKey.name, roleCap: apiKey.roleCap, expiresAt: iso(apiKey.expiresAt), key }),
  });
  const { register, reset, formState } = create.form;
  const { errors } = formState;
  const close = () => {
    setOpen(false);
    setCreated(null);
    reset();
    router.refresh();
  };
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)}>
        Create API key
      </Button>
      <Modal open={open} onClose={close} title={created ? 'API key created' : 'Create API key'} wide={!!created}>
        {created ? (
          <SecretReveal
            label="API key"
            secret={created.key}
            notice={
              <>
                Copy the key <strong>{created.name}</strong> now and keep it in your pipeline&apos;s secret store.
              </>
            }
            meta={
              <p className="text-sm text-slate-600">
                Role cap {ROLE_LABELS[created.roleCap]} ·{' '}
                {created.expiresAt ? (
                  <>
                    expires <LocalTime iso={created.expiresAt} />
                  </>
                ) : (
                  'never expires'
                )}
              </p>
            }
            onDone={close}
          />
        ) : (
          <DialogForm of={create} submitLabel="Create" onCancel={close}>
            <Field
              label="Name"
              autoComplete="off"
              hint="What uses it, e.g. the deploy pipeline of acme/api."
              error={errors.name?.message}
              {...register('name')}
            />
            <SelectField
              label="Role cap"
              hint="The most the key may do: your own role in each namespace, lowered to this."
              error={errors.roleCap?.message}
              {...register('roleCap')}
            >
              <Options items={roles.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
            </SelectField>
            <SelectField
              label="Expires"
              error={errors.expiresInDays?.message}
              {...register('expiresInDays', { setValueAs: (v: string) => (v === '' ? undefined : Number(v)) })}
            >
              <Options items={EXPIRY} />
            </SelectField>
          </DialogForm>
        )}
      </Modal>
    </>
  );
}

export function ApiKeyTable({ keys }: { keys: (ApiKeyRow & { expired: boolean })[] }) {
  return (
    <DataTable
      caption="API keys"
      columns={['Name', 'Role cap', 'Created', 'Expires', 'Last used', 'Status', ACTIONS]}
      rows={keys}
      empty="No API keys yet."
      row={(k) => (
        <tr key={k.id} className={k.revokedAt || k.expired ? 'text-slate-500' : undefined}>
          <Cell>{k.name}</Cell>
          <Cell>{ROLE_LABELS[k.roleCap]}</Cell>
          <Cell className="whitespace-nowrap">
            <LocalTime iso={iso(k.createdAt)} />
          </Cell>
          <Cell className="whitespace-nowrap">
            <LocalTime iso={iso(k.expiresAt)} empty="Never" />
          </Cell>
          <Cell className="whitespace-nowrap">
            <LocalTime iso={iso(k.lastUsedAt)} empty="Never" />
          </Cell>
          <Cell className="whitespace-nowrap">
            {k.revokedAt ? (
              <>
                Revoked <LocalTime iso={iso(k.revokedAt)} />
              </>
            ) : k.expired ? (
              'Expired'
            ) : (
              'Active'
            )}
          </Cell>
          <Cell className="text-right">{k.revokedAt ? null : <RevokeApiKey id={k.id} name={k.name} />}</Cell>
        </tr>
      )}
    />
  );
}

function RevokeApiKey({ id, name }: { id: string; name: string }) {
  return (
    <DestructiveButton
      verb="Revoke"
      target={name}
      action={() => revokeApiKeyAction({ id })}
      confirm={{
        title: `Revoke the API key "${name}"?`,
        body: 'Every script or pipeline using it is refused from its next request.',
      }}
    />
  );
}
