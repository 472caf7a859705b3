'use client';
import { useId, useMemo, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { newGroup, type BuilderModel, type GroupDraft } from './policy-model';
import { ROOT_ISSUE, type Issues } from './model-validate';
import { hasOverride, OVERRIDES, setOverride } from './model-edit';
import { BuilderUiContext } from './builder-context';
import { Block } from './block';
import { PickerContext } from './value-inputs';

export type BuilderLock = 'yaml' | 'rules' | 'typing' | null;

const BLOCKS = {
  allow: { title: 'Allow', about: 'Grants access when it matches.' },
  deny: { title: 'Deny', about: 'Refuses access when it matches, even if an allow block matched.' },
} as const;

export function Builder({
  model,
  issues,
  warnings = new Map(),
  pending,
  lock,
  onChange,
  users,
  groups,
}: {
  model: BuilderModel;
  issues: Issues;
  warnings?: Issues;
  pending: boolean;
  lock: BuilderLock;
  onChange: (next: BuilderModel) => void;
  users: readonly { id: string; label: string }[];
  groups: readonly string[];
}) {
  const uid = useId();
  const [focusId, setFocusId] = useState<string | null>(null);
  const ui = useMemo(() => ({ issues, warnings, focusId, focusOn: setFocusId }), [issues, warnings, focusId]);
  const pickers = useMemo(() => ({ users, groups }), [users, groups]);
  const addBlock = (which: 'allow' | 'deny') => {
    const block = newGroup('and');
    onChange({ ...model, [which]: block });
    setFocusId(block.id);
  };
  const rootIssue = issues.get(ROOT_ISSUE);

  return (
    <BuilderUiContext.Provider value={ui}>
      <PickerContext.Provider value={pickers}>
        <div className="space-y-4">
          {lock === 'yaml' ? <Alert tone="warning">Fix the YAML in the Editor tab to keep building.</Alert> : null}
          {lock === 'rules' ? (
            <Alert tone="info">
              This policy has several rules; edit it in the Editor tab. The builder shows the first rule.
            </Alert>
          ) : null}
          {/* A disabled fieldset disables every control inside it, nested groups included. */}
          <fieldset disabled={lock !== null} className="min-w-0 space-y-4">
            <legend className="sr-only">Policy builder</legend>
            {(['allow', 'deny'] as const).map((which) => {
              const block = model[which];
              return block ? (
                <Block
                  key={block.id}
                  group={block}
                  tone={which}
                  title={BLOCKS[which].title}
                  about={BLOCKS[which].about}
                  onChange={(next: GroupDraft) => onChange({ ...model, [which]: next })}
                  onRemove={() => onChange({ ...model, [which]: null })}
                />
              ) : null;
            })}
            {!model.allow && !model.deny ? (
              <p className="rounded-md border border-dashed border-slate-300 px-3 py-4 text-center text-sm text-slate-500">
                No blocks yet. Access needs an allow block that matches and no deny block that matches.
              </p>
            ) : null}
            <div className="flex flex-wrap items-center gap-2">
              <Button onClick={() => addBlock('allow')} disabled={!!model.allow}>
                Add Allow Block
              </Button>
              <Button onClick={() => addBlock('deny')} disabled={!!model.deny}>
                Add Deny Block
              </Button>
            </div>
            {pending ? (
              <p className="text-sm text-amber-800">
                {rootIssue ?? 'Some criteria are incomplete.'} The YAML keeps its last valid version until this is
                fixed.
              </p>
            ) : null}
            <fieldset className="space-y-1.5 rounded-md border border-slate-200 bg-white p-3">
              <legend className="px-1 text-sm font-medium text-slate-700">Quick overrides</legend>
              {OVERRIDES.map((o) => (
                <div key={o.name} className="flex items-start gap-2">
                  <input
                    id={`${uid}-${o.name}`}
                    type="checkbox"
                    className="mt-0.5"
                    checked={hasOverride(model, o.name)}
                    onChange={(e) => onChange(setOverride(model, o.name, e.target.checked))}
                    aria-describedby={`${uid}-${o.name}-hint`}
                  />
                  <div>
                    <label htmlFor={`${uid}-${o.name}`} className="text-sm font-medium text-slate-800">
                      {o.label}
                    </label>
                    <p id={`${uid}-${o.name}-hint`} className="text-xs text-slate-500">
                      {o.hint}
                    </p>
                  </div>
                </div>
              ))}
            </fieldset>
          </fieldset>
        </div>
      </PickerContext.Provider>
    </BuilderUiContext.Provider>
  );
}
