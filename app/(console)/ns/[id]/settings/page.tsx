import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { getNamespace } from '@/lib/dal/namespaces';
import { getLifetimeRules } from '@/lib/dal/lifetime-rules';
import { atLeast } from '@/lib/dal/authz';
import { Breadcrumbs } from '@/components/shell/breadcrumbs';
import { NamespaceTabs } from '@/components/shell/namespace-tabs';
import { guard } from '@/components/shell/guard';
import type { EffectiveLifetimeRule } from '@/lib/schemas/lifetime-rule';
import { LifetimeRuleForm } from './lifetime-rule-form';

export const metadata: Metadata = { title: 'Namespace settings' };

const inForce = (rule: EffectiveLifetimeRule) => [
  rule.maxLifetimeDays !== null
    ? `New tokens expire within ${rule.maxLifetimeDays} days (set in ${rule.maxLifetimeFrom}).`
    : 'New tokens may be issued with any expiry, or none.',
  rule.disableUnusedDays !== null
    ? `Accounts unused for ${rule.disableUnusedDays} days are disabled automatically (set in ${rule.disableUnusedFrom}).`
    : 'Unused accounts are not disabled automatically.',
];

export default async function NamespaceSettingsPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor();
  const { id } = await params;
  return guard(async () => {
    const [ns, rules] = await Promise.all([getNamespace(actor, id), getLifetimeRules(actor, id)]);
    const canEdit = atLeast(ns.role, 'admin');
    return (
      <div className="max-w-4xl">
        <Breadcrumbs path={ns.path} />
        <h1 className="mb-2 text-xl font-semibold">{ns.name}</h1>
        <NamespaceTabs id={id} current="/settings" />
        <section aria-labelledby="lifetime-heading" className="space-y-3">
          <h2 id="lifetime-heading" className="text-base font-medium">
            Token lifetime rules
          </h2>
          <p className="text-slate-600">
            Rules hold in this namespace and all its descendants; where several namespaces set one, the strictest wins.
            They apply to tokens issued from now on (creation and rotation), and to the daily check for unused accounts:
            an account counts as used when a token of it was last accepted, or when it was created, enabled or rotated.
          </p>
          <div className="rounded-lg border border-slate-200 bg-white p-4" data-testid="rules-in-force">
            <h3 className="mb-1 text-sm font-medium">In force here</h3>
            <ul className="list-disc pl-5 text-sm text-slate-700">
              {inForce(rules.effective).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </div>
          {canEdit ? (
            <LifetimeRuleForm
              namespaceId={id}
              own={rules.own}
              inherited={{
                maxLifetimeDays: rules.inherited.maxLifetimeDays,
                maxLifetimeFrom: rules.inherited.maxLifetimeFrom,
                disableUnusedDays: rules.inherited.disableUnusedDays,
                disableUnusedFrom: rules.inherited.disableUnusedFrom,
              }}
            />
          ) : (
            <p className="text-sm text-slate-500">Only an Admin of this namespace can change its rules.</p>
          )}
        </section>
      </div>
    );
  });
}
