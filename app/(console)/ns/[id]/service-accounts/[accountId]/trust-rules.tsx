'use client';
import { useFieldArray } from 'react-hook-form';
import { useRouter } from 'next/navigation';
import { addTrustRuleAction, removeTrustRuleAction } from '@/lib/actions/trust-rules';
import { ISSUER_PRESETS, LIFETIME_CHOICES, lifetimeLabel, type IssuerKind } from '@/lib/federation/presets';
import { describeClaimCondition } from '@/lib/policy';
import { STRING_MATCHERS } from '@/lib/policy/types';
import { addTrustRuleSchema, conditionsOf, type ConditionRow } from '@/lib/schemas/trust-rule';
import { Button } from '@/components/ui/button';
import { Field, SelectField } from '@/components/ui/field';
import { Options } from '@/components/ui/options';
import { useActionForm } from '@/components/actions/use-action-form';
import { FormError } from '@/components/actions/form-error';
import { SubmitButton } from '@/components/actions/action-form';
import { DestructiveButton } from '@/components/actions/action-button';

export interface IssuerChoice {
  id: string;
  name: string;
  kind: IssuerKind;
  issuerUrl: string;
  maxLifetimeSec: number;
}

const LIFETIMES = LIFETIME_CHOICES.map((c) => ({ value: String(c.value), label: c.label }));
const MATCHERS = STRING_MATCHERS.map((m) => ({ value: m, label: m === 'in' || m === 'not_in' ? `${m} (a, b, …)` : m }));

/** The rule in words, as it will be applied; null while the conditions are incomplete or invalid. */
function preview(rows: ConditionRow[]): string[] | null {
  try {
    return conditionsOf(rows).map(describeClaimCondition);
  } catch {
    return null;
  }
}

export function AddTrustRule({
  serviceAccountId,
  userId,
  issuers,
}: {
  serviceAccountId: string;
  userId: string;
  issuers: IssuerChoice[];
}) {
  const router = useRouter();
  const first = issuers[0];
  const example = (kind: IssuerKind | undefined): ConditionRow => {
    const e = ISSUER_PRESETS[kind ?? 'github'].example;
    return { claim: e.claim, matcher: e.matcher, value: e.value };
  };
  const defaults = () => ({
    serviceAccountId,
    issuerId: first?.id ?? '',
    description: '',
    conditions: [example(first?.kind)],
    maxLifetime: '3600',
  });
  const add = useActionForm({
    schema: addTrustRuleSchema,
    action: addTrustRuleAction,
    defaultValues: defaults(),
    onSuccess: () => {
      add.form.reset(defaults());
      router.refresh();
    },
  });
  const { register, watch, control, formState } = add.form;
  const { errors } = formState;
  const conditions = useFieldArray({ control, name: 'conditions' });
  const issuer = issuers.find((i) => i.id === watch('issuerId'));
  const rows = (watch('conditions') ?? []) as ConditionRow[];
  const described = preview(rows);
  const lifetime = Math.min(Number(watch('maxLifetime')), issuer?.maxLifetimeSec ?? 3600);
  const claims = ISSUER_PRESETS[issuer?.kind ?? 'oidc'].claims;

  return (
    <form
      onSubmit={add.onSubmit}
      noValidate
      aria-label="Add a trust rule"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
    >
      <FormError form={add.form} />
      <div className="grid gap-3 md:grid-cols-3">
        <SelectField label="Issuer" error={errors.issuerId?.message} {...register('issuerId')}>
          <Options items={issuers.map((i) => ({ value: i.id, label: i.name }))} />
        </SelectField>
        <Field
          label="Description (optional)"
          error={errors.description?.message}
          placeholder="Deploys from main"
          {...register('description')}
        />
        <SelectField label="Longest token lifetime" error={errors.maxLifetime?.message} {...register('maxLifetime')}>
          <Options items={LIFETIMES} />
        </SelectField>
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Conditions on the token’s claims (all must hold)</legend>
        <datalist id={`claims-${serviceAccountId}`}>
          <Options items={claims} />
        </datalist>
        {conditions.fields.map((f, i) => (
          <div key={f.id} className="grid items-end gap-2 md:grid-cols-[1fr_10rem_2fr_auto]">
            <Field
              label={`Claim ${i + 1}`}
              list={`claims-${serviceAccountId}`}
              error={errors.conditions?.[i]?.claim?.message}
              {...register(`conditions.${i}.claim`)}
            />
            <SelectField label={`Matcher ${i + 1}`} {...register(`conditions.${i}.matcher`)}>
              <Options items={MATCHERS} />
            </SelectField>
            <Field
              label={`Value ${i + 1}`}
              error={errors.conditions?.[i]?.value?.message}
              {...register(`conditions.${i}.value`)}
            />
            <Button
              variant="ghost"
              aria-label={`Remove condition ${i + 1}`}
              disabled={conditions.fields.length === 1}
              onClick={() => conditions.remove(i)}
            >
              Remove
            </Button>
          </div>
        ))}
        {errors.conditions?.message || errors.conditions?.root?.message ? (
          <p role="alert" className="text-xs text-red-700">
            {errors.conditions?.message ?? errors.conditions?.root?.message}
          </p>
        ) : null}
        <Button onClick={() => conditions.append({ claim: '', matcher: 'is', value: '' })}>Add condition</Button>
      </fieldset>
      <section aria-label="Rule preview" className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm">
        <h3 className="font-medium text-slate-700">Preview</h3>
        {described ? (
          <p>
            A token from <strong>{issuer?.name ?? 'the issuer'}</strong> whose{' '}
            {described.map((d, i) => (
              <span key={`${i}-${d}`}>
                {i > 0 ? ' and ' : ''}
                <code className="rounded bg-white px-1">{d}</code>
              </span>
            ))}{' '}
            is exchanged for a token of <strong>{userId}</strong> valid for {lifetimeLabel(lifetime)}.
          </p>
        ) : (
          <p className="text-slate-500">Complete the conditions to see the rule.</p>
        )}
      </section>
      <SubmitButton pending={add.pending}>Add rule</SubmitButton>
    </form>
  );
}

export function RemoveTrustRule({ id, label }: { id: string; label: string }) {
  return (
    <DestructiveButton
      verb="Remove"
      target={label}
      action={() => removeTrustRuleAction({ id })}
      confirm={{
        title: 'Remove this trust rule?',
        body: 'Tokens it matched can no longer be exchanged for this account. Tokens already issued keep working until they expire (at most an hour).',
      }}
    />
  );
}
