import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePageActor } from '@/lib/session';
import { listPolicies } from '@/lib/dal/policies';
import { Breadcrumbs } from '@/components/shell/breadcrumbs';
import { namespaceOr404 } from '@/components/shell/guard';
import { atLeast } from '@/lib/dal/authz';

export const metadata: Metadata = { title: 'Policies' };

export default async function PoliciesPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor();
  const { id } = await params;
  const ns = await namespaceOr404(actor, id);
  const policies = await listPolicies(actor, id);
  return (
    <div>
      <Breadcrumbs path={ns.path} current="Policies" />
      <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-xl font-semibold">Policies</h1>
        <div className="flex gap-2">
          <Link
            href={`/ns/${id}/policy-check`}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
          >
            Check access
          </Link>
          {atLeast(ns.role, 'manager') ? (
            <Link
              href={`/ns/${id}/policies/new`}
              className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700"
            >
              Add Policy
            </Link>
          ) : null}
        </div>
      </div>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left">
          <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-600 uppercase">
            <tr>
              <th className="px-3 py-2">Name</th>
              <th className="px-3 py-2">Description</th>
              <th className="px-3 py-2">Mode</th>
              <th className="px-3 py-2">Used by routes</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {policies.length === 0 ? (
              <tr>
                <td colSpan={4} className="px-3 py-6 text-center text-slate-500">
                  No policies in this namespace yet.
                </td>
              </tr>
            ) : (
              policies.map((p) => (
                <tr key={p.id}>
                  <td className="px-3 py-2 font-medium">
                    <Link href={`/ns/${id}/policies/${p.id}`} className="text-indigo-700 hover:underline">
                      {p.name}
                    </Link>
                    {p.unknownUsers.length ? (
                      <p className="text-xs text-amber-700">
                        Names unknown user{p.unknownUsers.length === 1 ? '' : 's'}: {p.unknownUsers.join(', ')} (revoked
                        or deleted?)
                      </p>
                    ) : null}
                  </td>
                  <td className="max-w-sm truncate px-3 py-2">{p.description}</td>
                  <td className="px-3 py-2">
                    {p.enforced ? (
                      <span className="rounded bg-amber-50 px-1.5 py-0.5 text-amber-800">Enforced</span>
                    ) : (
                      'Optional'
                    )}
                  </td>
                  <td className="px-3 py-2">
                    {p.enforced ? 'All routes here and below' : p.routes.map((r) => r.name).join(', ') || '—'}
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
