'use client';
import { useContext, useId } from 'react';
import { CRITERIA, type CriterionName } from '@/lib/policy';
import { Button } from '@/components/ui/button';
import { Options } from '@/components/ui/options';
import { nextId, retypeCriterion, type CriterionDraft, type MatchDraft } from './policy-model';
import { BuilderUiContext } from './builder-context';
import { inputClass, Labeled, MatchValue, TimeZoneSelect, toClockInput } from './value-inputs';

const CRITERION_OPTIONS = Object.values(CRITERIA).map((c) => ({ value: c.name, label: c.label }));
const MATCH_KINDS: ReadonlySet<string> = new Set(['string', 'method', 'list', 'date', 'certificate']);

export function CriterionRow({
  draft,
  onChange,
  onRemove,
}: {
  draft: CriterionDraft;
  onChange: (next: CriterionDraft) => void;
  onRemove: () => void;
}) {
  const id = useId();
  const { issues, focusId } = useContext(BuilderUiContext);
  const info = CRITERIA[draft.name];
  const issue = issues.get(draft.id);
  const keyInvalid = info.subKey && draft.key.trim() === '';
  const valueInvalid = !!issue && !keyInvalid;
  const describedBy = issue ? `${id}-issue` : `${id}-about`;
  const set = (patch: Partial<CriterionDraft>) => onChange({ ...draft, ...patch });
  const setMatch = (i: number, patch: Partial<MatchDraft>) =>
    set({ matches: draft.matches.map((m, j) => (j === i ? { ...m, ...patch } : m)) });
  const unused = info.matchers.filter((m) => !draft.matches.some((x) => x.matcher === m));
  const valueAria = { 'aria-invalid': valueInvalid || undefined, 'aria-describedby': describedBy };
  // The one-line value of a cidr or day_of_week criterion, and the time zone of a day or time.
  const textValue = (className: string, placeholder: string) => (
    <Labeled id={`${id}-text`} label="Value" className={className}>
      <input
        id={`${id}-text`}
        value={draft.text}
        onChange={(e) => set({ text: e.target.value })}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        {...valueAria}
        className={`${inputClass(valueInvalid)} font-mono`}
      />
    </Labeled>
  );
  const timeZone = (label: string, emptyLabel?: string) => (
    <Labeled id={`${id}-tz`} label={label} className="w-56">
      <TimeZoneSelect
        id={`${id}-tz`}
        value={draft.timezone}
        emptyLabel={emptyLabel}
        onChange={(timezone) => set({ timezone })}
        invalid={valueInvalid}
        describedBy={describedBy}
      />
    </Labeled>
  );

  return (
    <li className="rounded-md border border-slate-200 bg-white p-2">
      <div className="flex flex-wrap items-start gap-2">
        <Labeled id={`${id}-name`} label="Criterion" className="w-52">
          <select
            id={`${id}-name`}
            value={draft.name}
            autoFocus={focusId === draft.id}
            onChange={(e) => onChange(retypeCriterion(draft, e.target.value as CriterionName))}
            className={inputClass()}
          >
            <Options items={CRITERION_OPTIONS} />
          </select>
        </Labeled>

        {info.subKey ? (
          <Labeled id={`${id}-key`} label="Claim name" className="w-40">
            <div className="flex items-center gap-1">
              <span aria-hidden="true" className="font-mono text-xs text-slate-500">
                claim/
              </span>
              <input
                id={`${id}-key`}
                value={draft.key}
                onChange={(e) => set({ key: e.target.value })}
                placeholder="roles"
                autoComplete="off"
                spellCheck={false}
                aria-invalid={keyInvalid || undefined}
                aria-describedby={describedBy}
                className={inputClass(keyInvalid)}
              />
            </div>
          </Labeled>
        ) : null}

        {MATCH_KINDS.has(info.kind) ? (
          <div className="flex min-w-0 flex-1 flex-col gap-1.5">
            {draft.matches.map((m, i) => (
              <div key={m.id} className="flex flex-wrap items-start gap-2">
                <Labeled id={`${id}-m${i}`} label="Matcher" className="w-36">
                  <select
                    id={`${id}-m${i}`}
                    value={m.matcher}
                    onChange={(e) => setMatch(i, { matcher: e.target.value })}
                    className={`${inputClass()} font-mono`}
                  >
                    {info.matchers.map((name) => (
                      <option
                        key={name}
                        value={name}
                        disabled={name !== m.matcher && draft.matches.some((x) => x.matcher === name)}
                      >
                        {name}
                      </option>
                    ))}
                  </select>
                </Labeled>
                <div className="min-w-40 flex-1">
                  <MatchValue
                    name={draft.name}
                    kind={info.kind}
                    matcher={m.matcher}
                    value={m.value}
                    onChange={(value) => setMatch(i, { value })}
                    invalid={valueInvalid}
                    describedBy={describedBy}
                  />
                </div>
                {draft.matches.length > 1 ? (
                  <Button
                    variant="ghost"
                    className="mt-4 px-2"
                    aria-label="Remove matcher"
                    onClick={() => set({ matches: draft.matches.filter((_, j) => j !== i) })}
                  >
                    ×
                  </Button>
                ) : null}
              </div>
            ))}
          </div>
        ) : null}

        {info.kind === 'cidr' ? textValue('min-w-48 flex-1', '10.0.0.0/8, 192.168.1.10, 2001:db8::/32') : null}

        {info.kind === 'day_of_week' ? (
          <>
            {textValue('w-48', 'mon-fri')}
            {timeZone('Time zone (Postern extension)', 'UTC (as Pomerium)')}
          </>
        ) : null}

        {info.kind === 'time_of_day' ? (
          <>
            {(['after', 'before'] as const).map((k) => (
              <Labeled key={k} id={`${id}-${k}`} label={k === 'after' ? 'After' : 'Before'} className="w-32">
                <input
                  id={`${id}-${k}`}
                  type="time"
                  value={toClockInput(draft[k])}
                  step={toClockInput(draft[k]).length > 5 ? 1 : undefined}
                  onChange={(e) => set({ [k]: e.target.value })}
                  {...valueAria}
                  className={inputClass(valueInvalid)}
                />
              </Labeled>
            ))}
            {timeZone('Time zone')}
          </>
        ) : null}

        <Button
          variant="ghost"
          className="ml-auto mt-4 px-2 text-slate-600"
          aria-label="Remove criterion"
          onClick={onRemove}
        >
          Remove
        </Button>
      </div>
      <div className="mt-1 flex items-center gap-2">
        <p id={`${id}-about`} className="flex-1 text-xs text-slate-500">
          {info.description}
          {info.kind === 'day_of_week'
            ? ' Examples: mon-fri, mon,wed,fri, fri-mon, *. A time zone is a Postern extension: such a policy cannot be exported to Pomerium.'
            : ''}
          {info.kind === 'certificate'
            ? ' Fingerprints: 64 hex digits (sha256sum of the DER) or AB:CD:… pairs; several conditions must all hold.'
            : ''}
          {info.kind === 'cidr' ? ' Separate several with commas.' : ''}
        </p>
        {MATCH_KINDS.has(info.kind) && unused.length > 0 ? (
          // Several matchers in one criterion must all hold, e.g. starts_with /api and not /api/admin.
          <Button
            variant="ghost"
            className="px-1.5 py-0.5 text-xs text-indigo-700"
            onClick={() =>
              set({ matches: [...draft.matches, { id: nextId(), matcher: unused[0] as string, value: '' }] })
            }
          >
            Add Matcher
          </Button>
        ) : null}
      </div>
      <p id={`${id}-issue`} aria-live="polite" className="text-xs text-red-700 empty:hidden">
        {issue ?? ''}
      </p>
    </li>
  );
}
