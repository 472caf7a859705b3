import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { listSigningKeys } from '@/lib/dal/signing-keys';
import { LocalTime } from '@/components/ui/local-time';
import { PageHeader } from '@/components/shell/page-header';
import { ACTIONS, Cell, DataTable } from '@/components/ui/table';
import { KeyActions, RotateButton } from './key-actions';
import { guard } from '@/components/shell/guard';

export const metadata: Metadata = { title: 'Signing Keys' };

export default async function KeysPage() {
  const actor = await requirePageActor();
  return guard(async () => {
    const keys = await listSigningKeys(actor);
    return (
      <div className="max-w-4xl">
        <PageHeader title="Signing Keys" actions={<RotateButton />}>
          ES256 keys that sign service-account tokens and upstream assertions. New tokens use the newest key; older keys
          keep verifying until you retire them. Public keys:{' '}
          <a className="text-indigo-700 hover:underline" href="/.well-known/pomerium/jwks.json">
            /.well-known/pomerium/jwks.json
          </a>
          .
        </PageHeader>
        <DataTable
          columns={['Key ID (kid)', 'Created', 'State', ACTIONS]}
          rows={keys}
          empty="No key yet: one is made when the first token is signed."
          row={(k) => (
            <tr key={k.kid}>
              <Cell className="font-mono text-xs">{k.kid}</Cell>
              <Cell>
                <LocalTime iso={k.createdAt.toISOString()} />
              </Cell>
              <Cell>{k.retiredAt ? 'Retired' : k.active ? 'Signing' : 'Verifying only'}</Cell>
              <Cell className="text-right">{!k.retiredAt && !k.active ? <KeyActions kid={k.kid} /> : null}</Cell>
            </tr>
          )}
        />
      </div>
    );
  });
}
