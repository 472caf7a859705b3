import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { listNamespaces, subtreeIds } from '@/lib/dal/namespaces';
import { namespaceOr404 } from '@/components/shell/guard';
import { listRoutes } from '@/lib/dal/routes';
import { usersInScope } from '@/lib/dal/policies';
import { PageHeader } from '@/components/shell/page-header';
import { PolicyCheckForm } from './policy-check-form';

export const metadata: Metadata = { title: 'Check access' };

export default async function PolicyCheckPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor();
  const { id } = await params;
  const ns = await namespaceOr404(actor, id);
  const all = await listNamespaces(actor);
  // Routes in this namespace and below: the ones its accounts may reach.
  const routes = (await Promise.all(subtreeIds(all, id).map((nsId) => listRoutes(actor, nsId)))).flat();
  const users = await usersInScope(actor, id);
  return (
    <div className="max-w-3xl">
      <PageHeader title="Check access" path={ns.path}>
        See what the verify endpoint would answer for an account and a request, and which rule decided, without testing
        by curl.
      </PageHeader>
      <PolicyCheckForm routes={routes.map((r) => ({ id: r.id, label: `${r.name} (${r.from})` }))} users={users} />
    </div>
  );
}
