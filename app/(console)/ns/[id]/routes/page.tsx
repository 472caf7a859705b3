import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePageActor } from '@/lib/session';
import { listRoutes } from '@/lib/dal/routes';
import { policiesInScope } from '@/lib/dal/policies';
import { Breadcrumbs } from '@/components/shell/breadcrumbs';
import { namespaceOr404 } from '@/components/shell/guard';
import { atLeast } from '@/lib/dal/authz';
import { RouteDialog, DeleteRoute } from './route-dialog';
import { ImportDialog } from './import-dialog';

export const metadata: Metadata = { title: 'Routes' };

export default async function RoutesPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor();
  const { id } = await params;
  const ns = await namespaceOr404(actor, id);
  const [routes, scope] = await Promise.all([listRoutes(actor, id), policiesInScope(actor, id)]);
  const choices = scope.map((p) => ({ id: p.id, name: p.name, enforced: p.enforced, namespaceName: p.namespace.name }));
  return (
    <div>
      <Breadcrumbs path={ns.path} current="Routes" />
      <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-xl font-semibold">Routes</h1>
        <div className="flex gap-2">
          <Link
            href={`/ns/${id}/policy-check`}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
          >
            Check access
          </Link>
          {/* A plain download: the route handler checks the caller like every DAL call. */}
          <a
            href={`/api/console/ns/${id}/pomerium-routes.yaml`}
            download
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
          >
            Export
          </a>
          {atLeast(ns.role, 'manager') ? <ImportDialog namespaceId={id} /> : null}
          {atLeast(ns.role, 'manager') ? <RouteDialog namespaceId={id} policies={choices} /> : null}
        </div>
      </div>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left">
          <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-600 uppercase">
            <tr>
              <th className="px-3 py-2">Name</th>
              <th className="px-3 py-2">From</th>
              <th className="px-3 py-2">To</th>
              <th className="px-3 py-2">Policies</th>
              <th className="px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {routes.length === 0 ? (
              <tr>
                <td colSpan={5} className="px-3 py-6 text-center text-slate-500">
                  No routes in this namespace yet.
                </td>
              </tr>
            ) : (
              routes.map((r) => (
                <tr key={r.id}>
                  <td className="px-3 py-2 font-medium">{r.name}</td>
                  <td className="px-3 py-2 font-mono text-xs">{r.from}</td>
                  <td className="px-3 py-2 font-mono text-xs">{r.to.join(', ')}</td>
                  <td className="px-3 py-2">
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
                  </td>
                  <td className="px-3 py-2 text-right whitespace-nowrap">
                    {atLeast(ns.role, 'manager') ? (
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
                          }}
                        />
                        <DeleteRoute id={r.id} name={r.name} />
                      </>
                    ) : null}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
