'use client';
import { useCallback, useEffect, useId, useState } from 'react';
import { FormProvider, useWatch } from 'react-hook-form';
import { policyFormSchema, type PolicyFormValues } from '@/lib/schemas/policy';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useActionForm, type ActionAnswer } from '@/components/actions/use-action-form';
import { TabList, TabPanel } from './tabs';
import { GeneralFields } from './general-fields';
import { Builder } from './builder';
import { YamlEditor } from './yaml-editor';
import { usePolicySync } from './use-policy-sync';

type TabId = 'general' | 'builder' | 'editor';

const FIELDS = ['name', 'description', 'enforced', 'explanation', 'remediation', 'ppl'] as const;
type FieldName = (typeof FIELDS)[number];

const FIELD_LABEL: Record<FieldName, string> = {
  name: 'Name',
  description: 'Description',
  enforced: 'Enforced / Optional',
  explanation: 'Explanation',
  remediation: 'Remediation',
  ppl: 'Policy YAML',
};

const FIELD_TAB: Record<FieldName, TabId> = {
  name: 'general',
  description: 'general',
  enforced: 'general',
  explanation: 'general',
  remediation: 'general',
  ppl: 'editor',
};

const BUILDER_UNFINISHED =
  'Builder: some criteria are unfinished. Complete or remove them, or change the policy in the Editor tab.';

export interface PolicyEditorProps {
  initial: PolicyFormValues;
  /** Service accounts and directory users in scope, suggested by the user criterion. */
  users: { id: string; label: string }[];
  /** Known directory groups, suggested by the groups criterion. */
  groups: string[];
  /** The server action that saves: its field errors land on their fields (and tabs), other messages in the alert. */
  action: (values: PolicyFormValues) => Promise<ActionAnswer<{ id: string }>>;
  onSaved?: (data: { id: string }) => void;
  onCancel?: () => void;
  submitLabel?: string;
}

/**
 * Creates or edits a policy: General fields, a visual Builder and the PPL text Editor.
 * The form's `ppl` text is the single source of truth; the builder edits a model
 * derived from it and writes it back whenever the model is a valid policy.
 */
export function PolicyEditor({
  initial,
  users,
  groups,
  action,
  onSaved,
  onCancel,
  submitLabel = 'Save',
}: PolicyEditorProps) {
  const [saved, setSaved] = useState(false);
  const { form, onSubmit, pending } = useActionForm({
    schema: policyFormSchema,
    action,
    defaultValues: initial,
    onSuccess: (data) => {
      setSaved(true);
      onSaved?.(data);
    },
  });
  const {
    control,
    handleSubmit,
    setValue,
    setFocus,
    getFieldState,
    formState: { errors, isSubmitted },
  } = form;
  const base = useId();
  const [tab, setTab] = useState<TabId>('general');
  const [builderBlocked, setBuilderBlocked] = useState(false);
  const [focusRequest, setFocusRequest] = useState<{ field: FieldName } | null>(null);

  const ppl = useWatch({ control, name: 'ppl' });
  const writePpl = useCallback(
    (text: string) => setValue('ppl', text, { shouldDirty: true, shouldValidate: isSubmitted }),
    [setValue, isSubmitted],
  );
  const sync = usePolicySync(ppl, writePpl);

  useEffect(() => {
    if (focusRequest) setFocus(focusRequest.field);
  }, [focusRequest, setFocus]);

  const goTo = (field: FieldName) => {
    setTab(FIELD_TAB[field]);
    setFocusRequest({ field });
  };

  // A field in a hidden tab cannot take focus: once the submit has settled (the schema's
  // errors or the server's), show the tab of the first field in error and focus it.
  const submit = async (e?: React.BaseSyntheticEvent) => {
    setSaved(false);
    setBuilderBlocked(sync.pending);
    // The text may be valid but not what the builder shows: saving now would silently
    // drop the unfinished builder edits.
    if (sync.pending) await handleSubmit(() => setTab('builder'))(e);
    else await onSubmit(e);
    const first = FIELDS.find((f) => getFieldState(f).error);
    if (first) goTo(first);
  };

  const problems = FIELDS.flatMap((f) => {
    const message = errors[f]?.message;
    return message ? [`${FIELD_LABEL[f]}: ${message}`] : [];
  });
  if (builderBlocked && sync.pending) problems.push(BUILDER_UNFINISHED);
  const generalFlagged = FIELDS.some((f) => FIELD_TAB[f] === 'general' && errors[f]);

  return (
    <FormProvider {...form}>
      <form onSubmit={submit} noValidate className="space-y-4">
        {errors.root || problems.length > 0 ? (
          <Alert>
            <p className="font-medium">{errors.root?.message ?? 'The policy cannot be saved yet:'}</p>
            {problems.length > 0 ? (
              <ul className="mt-1 list-disc space-y-0.5 pl-5">
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            ) : null}
          </Alert>
        ) : saved ? (
          <Alert tone="success">Saved.</Alert>
        ) : null}

        <TabList
          base={base}
          label="Policy"
          selected={tab}
          onSelect={setTab}
          tabs={[
            { id: 'general', label: 'General', flagged: generalFlagged },
            { id: 'builder', label: 'Builder', flagged: sync.pending },
            { id: 'editor', label: 'Editor', flagged: !!errors.ppl || sync.parsed.state === 'error' },
          ]}
        />
        <TabPanel base={base} id="general" selected={tab === 'general'}>
          <GeneralFields />
        </TabPanel>
        <TabPanel base={base} id="builder" selected={tab === 'builder'}>
          <Builder
            model={sync.model}
            issues={sync.issues}
            warnings={sync.warnings}
            pending={sync.pending}
            lock={sync.lock}
            onChange={sync.change}
            users={users}
            groups={groups}
          />
        </TabPanel>
        <TabPanel base={base} id="editor" selected={tab === 'editor'}>
          <YamlEditor parsed={sync.parsed} />
        </TabPanel>

        <div className="flex justify-end gap-2 border-t border-slate-200 pt-3">
          {onCancel ? <Button onClick={onCancel}>Cancel</Button> : null}
          <Button type="submit" variant="primary" disabled={pending} aria-busy={pending || undefined}>
            {submitLabel}
          </Button>
        </div>
      </form>
    </FormProvider>
  );
}
