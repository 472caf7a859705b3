'use client';
import { useContext, useId } from 'react';
import type { Operator } from '@/lib/policy';
import { Button } from '@/components/ui/button';
import { Options } from '@/components/ui/options';
import {
  BUILDER_OPERATORS,
  newCriterion,
  newGroup,
  type GroupDraft,
  type ItemDraft,
  type OperatorDraft,
} from './policy-model';
import { BuilderUiContext } from './builder-context';
import { CriterionRow } from './criterion-row';
import { inputClass, Labeled } from './value-inputs';

const OPERATOR_HELP: Record<Operator, string> = {
  and: 'All of these must match.',
  or: 'At least one of these must match.',
  not: 'Matches when none of these match.',
  nor: 'Matches when at least one of these does not match.',
};

const TONES = {
  allow: { card: 'border-emerald-200 bg-white', head: 'bg-emerald-50 text-emerald-900' },
  deny: { card: 'border-red-200 bg-white', head: 'bg-red-50 text-red-900' },
  group: { card: 'border-slate-200 bg-slate-50/60', head: 'text-slate-700' },
} as const;

/** A PPL block: the rule's allow or deny, or a group nested in one. */
export function Block({
  group,
  tone,
  title,
  about,
  onChange,
  onRemove,
}: {
  group: GroupDraft;
  tone: keyof typeof TONES;
  title: string;
  about?: string;
  onChange: (next: GroupDraft) => void;
  onRemove: () => void;
}) {
  const { issues, warnings } = useContext(BuilderUiContext);
  const headId = useId();
  const warning = warnings.get(group.id);
  const setSection = (i: number, next: OperatorDraft) =>
    onChange({ ...group, operators: group.operators.map((s, j) => (j === i ? next : s)) });
  const issue = issues.get(group.id);
  return (
    <div role="group" aria-labelledby={headId} className={`rounded-lg border ${TONES[tone].card}`}>
      <div className={`flex items-center gap-2 rounded-t-lg px-3 py-1.5 ${TONES[tone].head}`}>
        <h3 id={headId} className="text-sm font-semibold">
          {title}
        </h3>
        {about ? <p className="text-xs opacity-80">{about}</p> : null}
        <Button variant="ghost" className="ml-auto px-2 py-0.5" aria-label="Remove block" onClick={onRemove}>
          Remove
        </Button>
      </div>
      <div className="space-y-3 p-3">
        {group.operators.map((s, i) => (
          <div key={s.id} className="space-y-3">
            {i > 0 ? <p className="text-xs font-medium uppercase tracking-wide text-slate-500">or else</p> : null}
            <Section
              section={s}
              removable={group.operators.length > 1}
              onChange={(next) => setSection(i, next)}
              onRemove={() => onChange({ ...group, operators: group.operators.filter((_, j) => j !== i) })}
              autoFocus={i === 0}
              groupId={group.id}
            />
          </div>
        ))}
        <IssueOrWarning issue={issue} warning={warning} />
      </div>
    </div>
  );
}

/** What is wrong with a block or section, else what may surprise about it. */
function IssueOrWarning({ issue, warning }: { issue?: string; warning?: string }) {
  if (issue) return <p className="text-xs text-red-700">{issue}</p>;
  if (warning)
    return (
      <p role="status" className="text-xs text-amber-800">
        Warning: {warning}
      </p>
    );
  return null;
}

function Section({
  section,
  removable,
  onChange,
  onRemove,
  autoFocus,
  groupId,
}: {
  section: OperatorDraft;
  removable: boolean;
  onChange: (next: OperatorDraft) => void;
  onRemove: () => void;
  autoFocus: boolean;
  groupId: string;
}) {
  const id = useId();
  const { issues, warnings, focusId, focusOn } = useContext(BuilderUiContext);
  const issue = issues.get(section.id);
  const warning = warnings.get(section.id);
  const setItem = (i: number, next: ItemDraft) =>
    onChange({ ...section, items: section.items.map((x, j) => (j === i ? next : x)) });
  const removeItem = (i: number) => onChange({ ...section, items: section.items.filter((_, j) => j !== i) });
  const add = (item: ItemDraft) => {
    onChange({ ...section, items: [...section.items, item] });
    focusOn(item.id);
  };
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-end gap-2">
        <Labeled id={`${id}-op`} label="Operator" className="w-24">
          <select
            id={`${id}-op`}
            value={section.op}
            autoFocus={autoFocus && focusId === groupId}
            onChange={(e) => onChange({ ...section, op: e.target.value as Operator })}
            aria-describedby={`${id}-help`}
            className={`${inputClass()} font-mono`}
          >
            <Options items={BUILDER_OPERATORS} />
          </select>
        </Labeled>
        <p id={`${id}-help`} className="pb-1.5 text-xs text-slate-500">
          {OPERATOR_HELP[section.op]}
        </p>
        {removable ? (
          <Button variant="ghost" className="ml-auto px-2 py-0.5" aria-label="Remove operator" onClick={onRemove}>
            Remove
          </Button>
        ) : null}
      </div>
      {section.items.length > 0 ? (
        <ul className="space-y-2 border-l-2 border-slate-200 pl-3">
          {section.items.map((item, i) =>
            item.kind === 'group' ? (
              <li key={item.id}>
                <Block
                  group={item}
                  tone="group"
                  title="Group"
                  onChange={(next) => setItem(i, next)}
                  onRemove={() => removeItem(i)}
                />
              </li>
            ) : (
              <CriterionRow
                key={item.id}
                draft={item}
                onChange={(next) => setItem(i, next)}
                onRemove={() => removeItem(i)}
              />
            ),
          )}
        </ul>
      ) : null}
      <IssueOrWarning issue={issue} warning={warning} />
      <div className="flex gap-2">
        <Button className="px-2 py-1 text-xs" onClick={() => add(newCriterion())}>
          Add Criterion
        </Button>
        <Button className="px-2 py-1 text-xs" onClick={() => add(newGroup())}>
          Add Group
        </Button>
      </div>
    </div>
  );
}
