// The visual builder's editable model of one PPL rule, and the conversions between it
// and the engine's typed Policy. Pure TypeScript (no React), so it is unit-tested.
//
// The engine's tree is frozen and only holds valid policies; the builder needs the
// opposite: a mutable-by-copy draft that can be half-finished (an empty value, a claim
// without a name) without losing what was typed. Values are therefore kept as the
// text the inputs show, and checked by model-validate.ts before they become PPL.
import {
  CRITERIA,
  type Block,
  type Criterion,
  type CriterionName,
  type Item,
  type Operator,
  type Policy,
} from '@/lib/policy';

export const BUILDER_OPERATORS: readonly Operator[] = ['and', 'or', 'not', 'nor'];

/** Matchers whose value is a list; in the draft it is one value per line. */
export const LIST_VALUED: ReadonlySet<string> = new Set(['in', 'not_in', 'fingerprint', 'spki_hash']);

export interface MatchDraft {
  id: string;
  matcher: string;
  value: string;
}

export interface CriterionDraft {
  kind: 'criterion';
  id: string;
  name: CriterionName;
  /** The `<name>` of `claim/<name>`. */
  key: string;
  /** String, method, list and date criteria: one entry per matcher (PPL ANDs them). */
  matches: MatchDraft[];
  /** source_ip: addresses or ranges separated by commas, spaces or new lines; day_of_week: the days. */
  text: string;
  /** time_of_day; day_of_week ('' = UTC) */
  timezone: string;
  after: string;
  before: string;
}

/** One operator of a block with its items. */
export interface OperatorDraft {
  id: string;
  op: Operator;
  items: ItemDraft[];
}

/**
 * A PPL block. Usually one operator; PPL allows several in one block (OR'd together),
 * and the model keeps them so that any single-rule policy survives a trip through it.
 */
export interface GroupDraft {
  kind: 'group';
  id: string;
  operators: OperatorDraft[];
}

export type ItemDraft = CriterionDraft | GroupDraft;

export interface BuilderModel {
  allow: GroupDraft | null;
  deny: GroupDraft | null;
}

export const EMPTY_MODEL: BuilderModel = { allow: null, deny: null };

let seq = 0;
/** Ids only key React lists; they never reach the DOM or the policy. */
export const nextId = (): string => `b${(++seq).toString(36)}`;

/**
 * The builder edits one rule; a policy with several is shown read-only, and so is one
 * whose certificate criteria match names with more than `is` (edit those as YAML).
 */
export function fitsBuilder(policy: Policy): boolean {
  if (policy.rules.length > 1) return false;
  const fits = (items: readonly Item[] | undefined): boolean =>
    (items ?? []).every((item) =>
      item.kind === 'block'
        ? BUILDER_OPERATORS.every((op) => fits(item[op]))
        : item.name !== 'client_certificate' ||
          (['san_email', 'san_dns', 'san_uri'] as const).every((k) => {
            const m = item.value[k];
            return m === undefined || (Object.keys(m).length === 1 && m.is !== undefined);
          }),
    );
  const rule = policy.rules[0];
  return !rule || [rule.allow, rule.deny].every((b) => !b || BUILDER_OPERATORS.every((op) => fits(b[op])));
}

// ---- Policy → model -------------------------------------------------------------

/** The builder model of the policy's first rule (see fitsBuilder()). */
export function toBuilderModel(policy: Policy): BuilderModel {
  const rule = policy.rules[0];
  return {
    allow: rule?.allow ? groupOf(rule.allow) : null,
    deny: rule?.deny ? groupOf(rule.deny) : null,
  };
}

function groupOf(block: Block): GroupDraft {
  const operators: OperatorDraft[] = [];
  for (const op of BUILDER_OPERATORS) {
    const items = block[op];
    if (items) operators.push({ id: nextId(), op, items: items.map(itemOf) });
  }
  return { kind: 'group', id: nextId(), operators };
}

function itemOf(item: Item): ItemDraft {
  return item.kind === 'block' ? groupOf(item) : criterionOf(item);
}

const matchesOf = (value: object): MatchDraft[] =>
  Object.entries(value).map(([matcher, v]) => ({
    id: nextId(),
    matcher,
    value: Array.isArray(v) ? v.join('\n') : String(v),
  }));

function criterionOf(c: Criterion): CriterionDraft {
  const d = blankCriterion(c.name);
  // accept, reject, authenticated_user…: a criterion without a value is all in its name.
  if (c.value === true) return d;
  switch (c.name) {
    case 'client_certificate':
      return {
        ...d,
        matches: Object.entries(c.value).map(([matcher, v]) => ({
          id: nextId(),
          matcher,
          value: Array.isArray(v) ? v.join('\n') : ((v as { is?: string }).is ?? ''),
        })),
      };
    case 'claim':
      return { ...d, key: c.key, matches: matchesOf(c.value) };
    case 'source_ip':
      return { ...d, text: c.value.join(', ') };
    case 'day_of_week':
      return { ...d, text: c.value, timezone: c.timezone ?? '' };
    case 'time_of_day':
      return { ...d, timezone: c.value.timezone, after: c.value.after ?? '', before: c.value.before ?? '' };
    default:
      return { ...d, matches: matchesOf(c.value) };
  }
}

// ---- model → PPL value ----------------------------------------------------------

/**
 * Plain PPL data (one rule) for parsePolicy(). Does not validate: an incomplete draft
 * gives a value the engine refuses, with a message naming the place.
 */
export function fromBuilderModel(model: BuilderModel): Record<string, unknown> {
  const rule: Record<string, unknown> = {};
  if (model.allow) rule.allow = groupValue(model.allow);
  if (model.deny) rule.deny = groupValue(model.deny);
  return rule;
}

function groupValue(group: GroupDraft): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  // Two sections with the same operator mean the same as one holding both lists.
  for (const s of group.operators) out[s.op] = [...(out[s.op] ?? []), ...s.items.map(itemValue)];
  return out;
}

function itemValue(item: ItemDraft): Record<string, unknown> {
  return item.kind === 'group' ? groupValue(item) : criterionToValue(item);
}

/** Non-empty lines, as typed (a value may legitimately contain spaces). */
export const linesOf = (text: string): string[] => text.split(/\r?\n/).filter((l) => l.trim() !== '');
export const rangesOf = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

/** One criterion as a one-key PPL object, e.g. `{ 'claim/roles': { has: 'ops' } }`. */
export function criterionToValue(d: CriterionDraft): Record<string, unknown> {
  const info = CRITERIA[d.name];
  const key = info.subKey ? `${d.name}/${d.key}` : d.name;
  switch (info.kind) {
    case 'boolean':
      return { [key]: true };
    case 'cidr':
      return { [key]: rangesOf(d.text) };
    case 'day_of_week':
      return { [key]: d.timezone ? { is: d.text, timezone: d.timezone } : d.text };
    case 'time_of_day':
      return {
        [key]: {
          timezone: d.timezone,
          ...(d.after !== '' && { after: d.after }),
          ...(d.before !== '' && { before: d.before }),
        },
      };
    default:
      return {
        [key]: Object.fromEntries(
          d.matches.map((m) => [m.matcher, LIST_VALUED.has(m.matcher) ? linesOf(m.value) : m.value]),
        ),
      };
  }
}

// ---- new drafts -----------------------------------------------------------------

/** The matcher a new row of this criterion starts with. */
export function defaultMatcher(name: CriterionName): string | null {
  const info = CRITERIA[name];
  if (info.kind === 'method') return 'in'; // the method picker is a set of checkboxes
  if (info.kind === 'date') return 'after';
  if (info.kind === 'time_of_day' || info.kind === 'day_of_week') return null;
  if (info.kind === 'certificate') return 'fingerprint';
  return info.shorthand;
}

function blankCriterion(name: CriterionName): CriterionDraft {
  return { kind: 'criterion', id: nextId(), name, key: '', matches: [], text: '', timezone: '', after: '', before: '' };
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function newCriterion(name: CriterionName = 'user', timeZone: string = browserTimeZone()): CriterionDraft {
  const d = blankCriterion(name);
  const matcher = defaultMatcher(name);
  if (matcher) d.matches = [{ id: nextId(), matcher, value: '' }];
  if (CRITERIA[name].kind === 'time_of_day') d.timezone = timeZone;
  return d;
}

export function newGroup(op: Operator = 'and', items: ItemDraft[] = []): GroupDraft {
  return { kind: 'group', id: nextId(), operators: [{ id: nextId(), op, items }] };
}

/**
 * Changes a row's criterion, keeping the matchers when the value is of the same kind
 * (email → user). A method's values are picked from a list, so nothing carries over to it.
 */
export function retypeCriterion(d: CriterionDraft, name: CriterionName, timeZone?: string): CriterionDraft {
  if (name === d.name) return d;
  const fresh = { ...newCriterion(name, timeZone), id: d.id, key: d.key };
  if (CRITERIA[name].kind !== CRITERIA[d.name].kind) return fresh;
  const kept = d.matches.filter((m) => CRITERIA[name].matchers.includes(m.matcher));
  return { ...fresh, text: d.text, matches: kept.length ? kept : fresh.matches };
}
