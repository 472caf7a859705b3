'use client';
import { useId, useState } from 'react';
import { useRouter } from 'next/navigation';
import { createRouteAction, deleteRouteAction, updateRouteAction } from '@/lib/actions/routes';
import { routeFormSchema, type RouteFormValues } from '@/lib/schemas/route';
import { Button } from '@/components/ui/button';
import { Field, TextareaField } from '@/components/ui/field';
import { Modal } from '@/components/ui/modal';
import { useActionForm } from '@/components/actions/use-action-form';
import { DialogForm } from '@/components/actions/action-form';
import { DestructiveButton } from '@/components/actions/action-button';

type Choice = { id: string; name: string; enforced: boolean; namespaceName: string };

export function RouteDialog({
  namespaceId,
  policies,
  route,
}: {
  namespaceId: string;
  policies: Choice[];
  route?: {
    id: string;
    name: string;
    from: string;
    to: string;
    policyIds: string[];
    acceptExternalTokens: boolean;
  };
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const externalId = useId();
  const defaults: RouteFormValues = route
    ? {
        name: route.name,
        from: route.from,
        to: route.to,
        policyIds: route.policyIds,
        acceptExternalTokens: route.acceptExternalTokens,
      }
    : { name: '', from: 'https://', to: '', policyIds: [], acceptExternalTokens: false };
  const edit = useActionForm({
    schema: routeFormSchema,
    action: (values) =>
      route ? updateRouteAction({ ...values, id: route.id }) : createRouteAction({ ...values, namespaceId }),
    defaultValues: defaults,
    onSuccess: () => {
      close();
      router.refresh();
    },
  });
  const { register, reset, formState } = edit.form;
  const { errors } = formState;
  const close = () => {
    setOpen(false);
    reset(defaults);
  };
  const optional = policies.filter((p) => !p.enforced);
  const enforced = policies.filter((p) => p.enforced);
  return (
    <>
      {route ? (
        <Button variant="ghost" aria-label={`Edit ${route.name}`} onClick={() => setOpen(true)}>
          Edit
        </Button>
      ) : (
        <Button variant="primary" onClick={() => setOpen(true)}>
          Add Route
        </Button>
      )}
      <Modal open={open} onClose={close} title={route ? `Edit ${route.name}` : 'Add route'} wide>
        <DialogForm of={edit} submitLabel={route ? 'Save' : 'Create'} onCancel={close}>
          <Field label="Name" error={errors.name?.message} {...register('name')} />
          <Field
            label="From"
            hint="External https:// URL: host and optional path prefix, no query string."
            error={errors.from?.message}
            spellCheck={false}
            {...register('from')}
          />
          <TextareaField
            label="To"
            rows={2}
            spellCheck={false}
            placeholder="http://upstream.internal:8080"
            className="font-mono text-xs"
            hint="One or more upstream URLs, one per line."
            error={errors.to?.message}
            {...register('to')}
          />
          <fieldset className="space-y-1">
            <legend className="text-sm font-medium text-slate-700">Policies</legend>
            {enforced.map((p) => (
              <label key={p.id} className="flex items-center gap-2 text-slate-500">
                <input type="checkbox" checked disabled /> {p.name}{' '}
                <span className="text-xs">(enforced in {p.namespaceName}: applied automatically)</span>
              </label>
            ))}
            {optional.length === 0 ? (
              <p className="text-xs text-slate-500">No optional policies in this namespace or its parents yet.</p>
            ) : (
              optional.map((p) => (
                <label key={p.id} className="flex items-center gap-2">
                  <input type="checkbox" value={p.id} {...register('policyIds')} /> {p.name}{' '}
                  <span className="text-xs text-slate-500">({p.namespaceName})</span>
                </label>
              ))
            )}
            {errors.policyIds ? (
              <p role="alert" className="text-xs text-red-700">
                {errors.policyIds.message ?? 'Choose valid policies.'}
              </p>
            ) : null}
          </fieldset>
          <div className="flex items-start gap-2 text-sm">
            <input
              id={externalId}
              type="checkbox"
              className="mt-1"
              aria-describedby={`${externalId}-help`}
              {...register('acceptExternalTokens')}
            />
            <div>
              {/* The label names the option; the explanation is its description, not part of its name. */}
              <label htmlFor={externalId} className="font-medium text-slate-700">
                Accept CI platform tokens
              </label>
              <p id={`${externalId}-help`} className="text-xs text-slate-500">
                A job may present its platform token (GitHub Actions, GitLab CI, Kubernetes) directly, as the service
                account whose trust rule it meets, if its issuer is trusted in this namespace or a parent. Answered by
                the console’s verify endpoints only; verifiers refuse such tokens.
              </p>
            </div>
          </div>
        </DialogForm>
      </Modal>
    </>
  );
}

export function DeleteRoute({ id, name }: { id: string; name: string }) {
  return (
    <DestructiveButton
      verb="Delete"
      target={name}
      action={() => deleteRouteAction({ id })}
      confirm={{ title: `Delete route ${name}?`, body: 'Requests to it will get no_route.' }}
    />
  );
}
