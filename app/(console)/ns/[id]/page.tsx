import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePageActor } from '@/lib/session';
import { Breadcrumbs } from '@/components/shell/breadcrumbs';
import { namespaceOr404 } from '@/components/shell/guard';
import { NamespaceActions } from './namespace-actions';
import { NamespaceTabs } from '@/components/shell/namespace-tabs';
import { atLeast } from '@/lib/dal/authz';
import { expiringSoon } from '@/lib/dal/expiry';
import { ExpiryNotices } from '@/components/expiry-notices';
import { PageHeader } from '@/components/shell/page-header';
import { namespaceUsage } from '@/lib/dal/usage';
import { listHistory } from '@/lib/dal/history';
import { config } from '@/lib/config';
import { VERIFY_PREFIX } from '@/lib/verify/core';
import { Dashboard } from './dashboard';

export const metadata: Metadata = { title: 'Namespace' };

export default async function NamespacePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor();
  const ns = await namespaceOr404(actor, (await params).id);
  const [soon, usage, changes] = await Promise.all([
    expiringSoon(actor, ns.id),
    namespaceUsage(actor, ns.id),
    listHistory(actor, { namespaceId: ns.id, limit: 6 }),
  ]);
  return (
    <div className="max-w-4xl">
      <Breadcrumbs path={ns.path} />
      <PageHeader
        title={ns.name}
        actions={
          atLeast(ns.role, 'manager') ? (
            <NamespaceActions id={ns.id} name={ns.name} isRoot={ns.parentId === null} />
          ) : null
        }
      />
      <NamespaceTabs id={ns.id} current="" />
      <ExpiryNotices namespaceId={ns.id} accounts={soon} />
      <Dashboard id={ns.id} usage={usage} changes={changes.entries} verifyUrl={`${config.publicUrl}${VERIFY_PREFIX}`} />
      <section aria-labelledby="children-heading" className="rounded-lg border border-slate-200 bg-white">
        <h2 id="children-heading" className="border-b border-slate-200 px-4 py-2 text-sm font-medium">
          Child namespaces
        </h2>
        {ns.children.length === 0 ? (
          <p className="px-4 py-3 text-slate-500">No child namespaces yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {ns.children.map((c) => (
              <li key={c.id}>
                <Link href={`/ns/${c.id}`} className="block px-4 py-2 hover:bg-slate-50">
                  {c.name}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      <p className="mt-4 text-sm">
        <Link className="text-indigo-700 hover:underline" href={`/ns/${ns.id}/service-accounts`}>
          Service accounts in {ns.name} →
        </Link>
      </p>
    </div>
  );
}
