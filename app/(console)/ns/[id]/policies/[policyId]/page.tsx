import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requirePageActor } from '@/lib/session';
import { getNamespace } from '@/lib/dal/namespaces';
import { getPolicy, knownGroups, usersInScope } from '@/lib/dal/policies';
import { AppError } from '@/lib/dal/errors';
import { Breadcrumbs } from '@/components/shell/breadcrumbs';
import { PolicyForm } from '../policy-form';

export const metadata: Metadata = { title: 'Edit Policy' };

export default async function EditPolicyPage({ params }: { params: Promise<{ id: string; policyId: string }> }) {
  const actor = await requirePageActor();
  const { id, policyId } = await params;
  let policy;
  try { policy = await getPolicy(actor, policyId); } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') notFound();
    throw err;
  }
  if (policy.namespaceId !== id) notFound();
  const [ns, users, groups] = await Promise.all([getNamespace(actor, id), usersInScope(actor, id), knownGroups(actor)]);
  const { id: _id, namespaceId: _ns, ...initial } = policy;
  return (
    <div className="max-w-4xl">
      <Breadcrumbs path={ns.path} current={policy.name} />
      <h1 className="mb-4 text-xl font-semibold">{policy.name}</h1>
      <PolicyForm namespaceId={id} policyId={policyId} users={users} groups={groups} initial={initial} />
    </div>
  );
}
