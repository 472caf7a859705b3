import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { getNamespace } from '@/lib/dal/namespaces';
import { knownGroups, usersInScope } from '@/lib/dal/policies';
import { PageHeader } from '@/components/shell/page-header';
import { PolicyForm } from '../policy-form';

export const metadata: Metadata = { title: 'Add Policy' };

export default async function NewPolicyPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor();
  const { id } = await params;
  const [ns, users, groups] = await Promise.all([getNamespace(actor, id), usersInScope(actor, id), knownGroups(actor)]);
  return (
    <div className="max-w-4xl">
      <PageHeader title="Add Policy" path={ns.path} />
      <PolicyForm
        namespaceId={id}
        users={users}
        groups={groups}
        initial={{
          name: '',
          description: '',
          enforced: false,
          explanation: '',
          remediation: '',
          ppl: 'allow:\n  and:\n    - authenticated_user: true\n',
        }}
      />
    </div>
  );
}
