'use client';
import { useRouter } from 'next/navigation';
import { PolicyEditor } from '@/components/policy/policy-editor';
import { createPolicyAction, deletePolicyAction, updatePolicyAction } from '@/lib/actions/policies';
import type { PolicyFormValues } from '@/lib/schemas/policy';
import { Button } from '@/components/ui/button';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';

export function PolicyForm({ namespaceId, policyId, initial, users, groups }: {
  namespaceId: string; policyId?: string; initial: PolicyFormValues; users: { id: string; label: string }[]; groups: string[];
}) {
  const router = useRouter();
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const back = () => router.push(`/ns/${namespaceId}/policies`);
  return (
    <>
      <PolicyEditor
        initial={initial} users={users} groups={groups} submitLabel={policyId ? 'Save' : 'Create'} onCancel={back}
        onSubmit={async (values) => {
          const res = policyId ? await updatePolicyAction({ ...values, id: policyId }) : await createPolicyAction({ ...values, namespaceId });
          if (res.ok) { router.push(`/ns/${namespaceId}/policies`); router.refresh(); }
          return res;
        }}
      />
      {policyId ? (
        <div className="mt-6 border-t border-slate-200 pt-4">
          {deleteError ? <div className="mb-2"><Alert>{deleteError}</Alert></div> : null}
          <Button variant="danger" onClick={async () => {
            if (!window.confirm('Delete this policy?')) return;
            const res = await deletePolicyAction({ id: policyId });
            if (res.ok) { back(); router.refresh(); } else setDeleteError(res.message);
          }}>Delete policy</Button>
        </div>
      ) : null}
    </>
  );
}
