'use client';
// Import from Pomerium: paste or choose a config file, preview what it creates (and what
// it skips or ignores, and why), then confirm. Nothing is written before the confirmation,
// and nothing at all when a route conflicts.
import { useId, useState } from 'react';
import { importPomeriumRoutesAction, previewPomeriumImportAction } from '@/lib/actions/route-import';
import type { ImportPreview } from '@/lib/dal/route-import';
import { pomeriumImportSchema } from '@/lib/schemas/route-import';
import { Button } from '@/components/ui/button';
import { TextareaField } from '@/components/ui/field';
import { Modal } from '@/components/ui/modal';
import { Alert } from '@/components/ui/alert';
import { useActionResult } from '@/components/actions/use-action-form';
import { FormError } from '@/components/actions/form-error';
import { SubmitButton } from '@/components/actions/action-form';
import { ActionButton } from '@/components/actions/action-button';

export function ImportDialog({ namespaceId }: { namespaceId: string }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  // What the preview shows is what the import writes: any change to the text discards it.
  const {
    form,
    onSubmit,
    pending,
    result: preview,
    clear: dropPreview,
  } = useActionResult({
    schema: pomeriumImportSchema,
    action: previewPomeriumImportAction,
    defaultValues: { namespaceId, text: '' },
  });
  const {
    register,
    setValue,
    getValues,
    watch,
    reset,
    formState: { errors },
  } = form;
  const text = watch('text');
  const close = () => {
    setOpen(false);
    dropPreview();
    reset();
  };

  const readFile = async (file: File | undefined) => {
    if (!file) return;
    dropPreview();
    setValue('text', await file.text());
  };

  return (
    <>
      <Button onClick={() => setOpen(true)}>Import</Button>
      <Modal open={open} onClose={close} title="Import routes from Pomerium" wide>
        <form onSubmit={onSubmit} noValidate className="space-y-3 text-left text-sm">
          <FormError form={form} />
          <p className="text-slate-600">
            A Pomerium configuration: a <code>routes:</code> list (other settings are ignored) or a single route. Each
            route&apos;s <code>policy</code> and its access options (<code>allowed_users</code>,{' '}
            <code>allowed_domains</code>, <code>allowed_idp_claims</code>, <code>allow_any_authenticated_user</code>,{' '}
            <code>allow_public_unauthenticated_access</code>, <code>cors_allow_preflight</code>) become Postern
            policies.
          </p>
          <TextareaField
            label="Configuration (YAML)"
            rows={10}
            spellCheck={false}
            wrap="off"
            className="font-mono text-xs"
            placeholder={
              'routes:\n  - from: https://app.example.com\n    to: http://app:8080\n    allowed_users: [ci@example.com]'
            }
            error={errors.text?.message}
            {...register('text', { onChange: () => dropPreview() })}
          />
          <div className="flex flex-wrap items-center gap-2">
            <label htmlFor={`${id}-file`} className="font-medium text-slate-700">
              Or a file:
            </label>
            <input
              id={`${id}-file`}
              type="file"
              accept=".yaml,.yml,.json,text/yaml,application/json"
              onChange={(e) => void readFile(e.target.files?.[0])}
              className="text-xs"
            />
          </div>
          <div className="flex gap-2">
            <SubmitButton pending={pending} variant="secondary" disabled={!text?.trim()}>
              Preview
            </SubmitButton>
          </div>
          {preview ? <PreviewView preview={preview} /> : null}
          {preview ? (
            <div className="flex items-center justify-end gap-2 border-t border-slate-200 pt-3">
              <Button variant="ghost" onClick={close}>
                Cancel
              </Button>
              <ActionButton
                variant="primary"
                disabled={pending || !preview.ready}
                onSuccess={close}
                action={() => importPomeriumRoutesAction({ namespaceId, text: getValues('text') })}
              >
                Import {preview.routes.length} route{preview.routes.length === 1 ? '' : 's'}
              </ActionButton>
            </div>
          ) : null}
        </form>
      </Modal>
    </>
  );
}

function PreviewView({ preview }: { preview: ImportPreview }) {
  const created = preview.policies.filter((p) => p.action === 'create');
  const blocked = preview.routes.filter((r) => r.conflict);
  return (
    <section aria-label="Import preview" className="space-y-3">
      {blocked.length ? (
        <Alert>
          {blocked.length} route{blocked.length === 1 ? '' : 's'} conflict with existing ones: nothing will be imported
          until the file or the existing routes change.
        </Alert>
      ) : null}
      {!preview.routes.length ? <Alert tone="warning">The file has no route Postern can import.</Alert> : null}
      {preview.routes.length ? (
        <div>
          <h3 className="font-semibold">Routes to create ({preview.routes.length})</h3>
          <ul className="mt-1 space-y-2">
            {preview.routes.map((r) => (
              <li
                key={r.index}
                data-testid="import-route"
                className={`rounded-md border p-2 ${r.conflict ? 'border-red-300 bg-red-50' : 'border-slate-200'}`}
              >
                <p>
                  <span className="font-medium">{r.name}</span> <span className="font-mono text-xs">{r.from}</span> →{' '}
                  <span className="font-mono text-xs">{r.to.join(', ')}</span>
                </p>
                <p className="text-xs text-slate-600">
                  Policies:{' '}
                  {r.policies.length ? r.policies.join(', ') : 'none (nobody is allowed until a policy applies)'}
                </p>
                {r.ignored.length ? (
                  <p className="text-xs text-amber-800">Ignored options: {r.ignored.join(', ')}</p>
                ) : null}
                {r.notes.map((n) => (
                  <p key={n} className="text-xs text-slate-500">
                    {n}
                  </p>
                ))}
                {r.conflict ? (
                  <p role="alert" className="text-xs text-red-700">
                    Conflict: {r.conflict}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {preview.policies.length ? (
        <div>
          <h3 className="font-semibold">Policies ({created.length} to create)</h3>
          <ul className="mt-1 space-y-2">
            {preview.policies.map((p) => (
              <li key={p.name} data-testid="import-policy" className="rounded-md border border-slate-200 p-2">
                <p className="text-xs">
                  <span className="font-medium">{p.finalName}</span>
                  {p.enforced ? ' · enforced' : ''} ·{' '}
                  {p.action === 'reuse'
                    ? 'already exists, used as is'
                    : p.finalName !== p.name
                      ? `new (a different "${p.name}" exists)`
                      : 'new'}
                </p>
                <pre className="mt-1 max-h-40 overflow-auto rounded bg-slate-50 p-2 font-mono text-[11px]">{p.ppl}</pre>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {preview.enforcedAlready.length ? (
        <p className="text-xs text-slate-600">
          Enforced policies of this namespace and its parents also apply to every imported route:{' '}
          {preview.enforcedAlready.join(', ')}.
        </p>
      ) : null}
      {preview.skipped.length ? (
        <div>
          <h3 className="font-semibold">Skipped ({preview.skipped.length})</h3>
          <ul className="mt-1 list-disc space-y-0.5 pl-5 text-xs">
            {preview.skipped.map((s) => (
              <li key={s.index} data-testid="import-skipped">
                Route {s.index}
                {s.from ? ` (${s.from})` : ''}: {s.reason}.
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
