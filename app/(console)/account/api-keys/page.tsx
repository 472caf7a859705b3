import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { highestRole, listApiKeys } from '@/lib/dal/api-keys';
import { atLeast, ROLES } from '@/lib/dal/authz';
import { guard } from '@/components/shell/guard';
import { PageHeader } from '@/components/shell/page-header';
import { ApiKeyTable, CreateApiKey } from './api-keys';

export const metadata: Metadata = { title: 'API Keys' };

/** The signed-in user's own API keys: each acts as its owner, capped at a role. */
export default async function ApiKeysPage() {
  const actor = await requirePageActor();
  return guard(async () => {
    const [keys, best] = await Promise.all([listApiKeys(actor), highestRole(actor)]);
    const roles = ROLES.filter((r) => atLeast(best, r));
    return (
      <div className="max-w-5xl">
        <PageHeader title="API Keys" actions={roles.length ? <CreateApiKey roles={roles} /> : null}>
          Your keys for the REST API (scripts, pipelines, the <code className="font-mono text-sm">postern</code> CLI). A
          key acts as you, with each of your roles lowered to the key&apos;s role cap, and stops working when it
          expires, when you revoke it, or when you lose the role. Send it as{' '}
          <code className="rounded bg-slate-100 px-1 font-mono text-xs">Authorization: Bearer postern_key_…</code>; see
          the{' '}
          <a href="/api-docs" className="text-indigo-700 hover:underline">
            API reference
          </a>
          .
        </PageHeader>
        <ApiKeyTable keys={keys.map((k) => ({ ...k, expired: !!k.expiresAt && k.expiresAt <= new Date() }))} />
      </div>
    );
  });
}
