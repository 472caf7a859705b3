'use client';
import { useRouter } from 'next/navigation';
import { PolicyEditor } from '@/components/policy/policy-editor';
import { createPolicyAction, deletePolicyAction, updatePolicyAction } from '@/lib/actions/policies';
import type { PolicyFormValues } from '@/lib/schemas/policy';
import { ActionButton } from '@/components/actions/action-button';

export function PolicyForm({
  namespaceId,
  policyId,
  initial,
  users,
  groups,
}: {
  namespaceId: string;
  policyId?: string;
  initial: PolicyFormValues;
  users: { id: string; label: string }[];
  groups: string[];
}) {
  const router = useRouter();
  const back = () => router.push(`/ns/${namespaceId}/policies`);
  return (
    <>
      <PolicyEditor
        initial={initial}
        users={users}
        groups={groups}
        submitLabel={policyId ? 'Save' : 'Create'}
        onCancel={back}
        action={(values) =>
          policyId ? updatePolicyAction({ ...values, id: policyId }) : createPolicyAction({ ...values, namespaceId })
        }
        onSaved={() => {
          back();
          router.refresh();
        }}
      />
      {policyId ? (
        <div className="mt-6 border-t border-slate-200 pt-4">
          <ActionButton
            variant="danger"
            action={() => deletePolicyAction({ id: policyId })}
            onSuccess={back}
            confirm={{ title: 'Delete this policy?', body: 'This cannot be undone.', action: 'Delete' }}
          >
            Delete policy
          </ActionButton>
        </div>
      ) : null}
    </>
  );
}
