'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { addTrustedIssuerAction, removeTrustedIssuerAction } from '@/lib/actions/trusted-issuers';
import { ISSUER_KINDS, ISSUER_PRESETS, LIFETIME_CHOICES, type IssuerKind } from '@/lib/federation/presets';
import { addTrustedIssuerSchema } from '@/lib/schemas/trusted-issuer';
import { Button } from '@/components/ui/button';
import { Field, SelectField } from '@/components/ui/field';
import { Modal } from '@/components/ui/modal';
import { Options } from '@/components/ui/options';
import { useActionForm } from '@/components/actions/use-action-form';
import { DialogForm } from '@/components/actions/action-form';
import { DestructiveButton } from '@/components/actions/action-button';

const KINDS = ISSUER_KINDS.map((k) => ({ value: k, label: ISSUER_PRESETS[k].label }));
const LIFETIMES = LIFETIME_CHOICES.map((c) => ({ value: String(c.value), label: c.label }));

/** "Add trusted issuer": a preset fills the issuer URL and name; the audience is the Admin's choice. */
export function AddTrustedIssuer({
  namespaceId,
  namespaceName,
  suggestedAudience,
}: {
  namespaceId: string;
  namespaceName: string;
  suggestedAudience: string;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const defaults = (kind: IssuerKind) => ({
    namespaceId,
    kind,
    name: kind === 'oidc' || kind === 'kubernetes' ? '' : ISSUER_PRESETS[kind].label,
    issuerUrl: ISSUER_PRESETS[kind].issuerUrl,
    audience: suggestedAudience,
    jwksUrl: '',
    maxLifetime: '3600',
  });
  const add = useActionForm({
    schema: addTrustedIssuerSchema,
    action: addTrustedIssuerAction,
    defaultValues: defaults('github'),
    onSuccess: () => close(),
  });
  const { register, watch, reset, formState } = add.form;
  const { errors } = formState;
  const kind = watch('kind') as IssuerKind;
  const close = () => {
    setOpen(false);
    reset(defaults('github'));
    router.refresh();
  };
  const kindField = register('kind');

  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)}>
        Add trusted issuer
      </Button>
      <Modal open={open} onClose={close} title={`Trust an issuer in ${namespaceName}`}>
        <DialogForm of={add} submitLabel="Add issuer" onCancel={close}>
          <SelectField
            label="Platform"
            {...kindField}
            onChange={(e) => {
              void kindField.onChange(e);
              reset(defaults(e.target.value as IssuerKind));
            }}
          >
            <Options items={KINDS} />
          </SelectField>
          <Field label="Name" error={errors.name?.message} {...register('name')} />
          <Field
            label="Issuer URL"
            error={errors.issuerUrl?.message}
            hint="Compared exactly with the iss claim of its tokens; keys come from its /.well-known/openid-configuration."
            placeholder={kind === 'kubernetes' ? 'https://oidc.eks.eu-west-1.amazonaws.com/id/…' : 'https://…'}
            {...register('issuerUrl')}
          />
          <Field
            label="Expected audience"
            error={errors.audience?.message}
            hint={`Tokens must carry this aud: ${ISSUER_PRESETS[kind].audienceHint}.`}
            {...register('audience')}
          />
          {kind === 'kubernetes' || kind === 'oidc' ? (
            <Field
              label="JWKS URL (optional)"
              error={errors.jwksUrl?.message}
              hint="Only when the issuer publishes no discovery document (e.g. a cluster whose issuer is not reachable)."
              {...register('jwksUrl')}
            />
          ) : null}
          <SelectField
            label="Longest lifetime of exchanged tokens"
            error={errors.maxLifetime?.message}
            {...register('maxLifetime')}
          >
            <Options items={LIFETIMES} />
          </SelectField>
        </DialogForm>
      </Modal>
    </>
  );
}

export function RemoveTrustedIssuer({ id, name, ruleCount }: { id: string; name: string; ruleCount: number }) {
  return (
    <DestructiveButton
      verb="Remove"
      target={name}
      action={() => removeTrustedIssuerAction({ id })}
      confirm={{
        title: `Remove ${name}?`,
        body:
          ruleCount > 0
            ? `${ruleCount === 1 ? 'The trust rule that uses it is' : `The ${ruleCount} trust rules that use it are`} removed with it, and its tokens can no longer be exchanged. Tokens already issued keep working until they expire (at most an hour).`
            : 'Its tokens can no longer be exchanged for service-account tokens.',
      }}
    />
  );
}
