import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { getNamespace } from '@/lib/dal/namespaces';
import { getPolicy, knownGroups, usersInScope } from '@/lib/dal/policies';
import { orNotFound } from '@/components/shell/guard';
import { PageHeader } from '@/components/shell/page-header';
import { PolicyForm } from '../policy-form';

export const metadata: Metadata = { title: 'Edit Policy' };

export default async function EditPolicyPage({ params }: { params: Promise<{ id: string; policyId: string }> }) {
  const actor = await requirePageActor();
  const { id, policyId } = await params;
  const [policy, ns, users, groups] = await orNotFound(
    Promise.all([getPolicy(actor, id, policyId), getNamespace(actor, id), usersInScope(actor, id), knownGroups(actor)]),
  );
  const { id: _id, namespaceId: _ns, ...initial } = policy;
  return (
    <div className="max-w-4xl">
      <PageHeader title={policy.name} path={ns.path} />
      <PolicyForm namespaceId={id} policyId={policyId} users={users} groups={groups} initial={initial} />
    </div>
  );
}
