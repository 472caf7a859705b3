import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { listRoutes } from '@/lib/dal/routes';
import { policiesInScope } from '@/lib/dal/policies';
import { namespaceOr404 } from '@/components/shell/guard';
import { atLeast } from '@/lib/dal/authz';
import { ButtonLink } from '@/components/ui/button';
import { PageHeader } from '@/components/shell/page-header';
import { ACTIONS, Cell, DataTable } from '@/components/ui/table';
import { RouteDialog, DeleteRoute } from './route-dialog';
import { ImportDialog } from './import-dialog';

export const metadata: Metadata = { title: 'Routes' };

export default async function RoutesPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor();
  const { id } = await params;
  const ns = await namespaceOr404(actor, id);
  const [routes, scope] = await Promise.all([listRoutes(actor, id), policiesInScope(actor, id)]);
  const choices = scope.map((p) => ({ id: p.id, name: p.name, enforced: p.enforced, namespaceName: p.namespace.name }));
  const canManage = atLeast(ns.role, 'manager');
  return (
    <div>
      <PageHeader
        title="Routes"
        path={ns.path}
        actions={
          <>
            <ButtonLink href={`/ns/${id}/policy-check`}>Check access</ButtonLink>
            {/* A plain download: the route handler checks the caller like every DAL call. */}
            <ButtonLink href={`/api/console/ns/${id}/pomerium-routes.yaml`} download>
              Export
            </ButtonLink>
            {canManage ? <ImportDialog namespaceId={id} /> : null}
            {canManage ? <RouteDialog namespaceId={id} policies={choices} /> : null}
          </>
        }
      />
      <DataTable
        columns={['Name', 'From', 'To', 'Policies', ACTIONS]}
        rows={routes}
        empty="No routes in this namespace yet."
        row={(r) => (
          <tr key={r.id}>
            <Cell className="font-medium">
              {r.name}
              {r.acceptExternalTokens ? (
                <span className="ml-2 rounded bg-sky-50 px-1 text-[11px] font-normal text-sky-800">
                  accepts CI tokens
                </span>
              ) : null}
            </Cell>
            <Cell className="font-mono text-xs">{r.from}</Cell>
            <Cell className="font-mono text-xs">{r.to.join(', ')}</Cell>
            <Cell>
              <ul className="space-y-0.5">
                {r.enforced.map((p) => (
                  <li key={p.id} className="text-slate-600">
                    {p.name}{' '}
                    <span className="rounded bg-amber-50 px-1 text-[11px] text-amber-800">
                      enforced · {p.namespaceName}
                    </span>
                  </li>
                ))}
                {r.policies
                  .filter((p) => !r.enforced.some((e) => e.id === p.id))
                  .map((p) => (
                    <li key={p.id}>{p.name}</li>
                  ))}
                {!r.enforced.length && !r.policies.length ? (
                  <li className="text-red-700">No policy: nobody is allowed</li>
                ) : null}
              </ul>
            </Cell>
            <Cell className="text-right whitespace-nowrap">
              {canManage ? (
                <>
                  <RouteDialog
                    namespaceId={id}
                    policies={choices}
                    route={{
                      id: r.id,
                      name: r.name,
                      from: r.from,
                      to: r.to.join('\n'),
                      policyIds: r.policies.map((p) => p.id),
                      acceptExternalTokens: r.acceptExternalTokens,
                    }}
                  />
                  <DeleteRoute id={r.id} name={r.name} />
                </>
              ) : null}
            </Cell>
          </tr>
        )}
      />
    </div>
  );
}
