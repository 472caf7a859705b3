// Finds what keeps a builder model from being a valid policy, per row, so the builder
// can show the problem next to the control and hold back the YAML until it is fixed.
import { CRITERIA, parsePolicy, PolicyError } from '@/lib/policy';
import {
  criterionToValue,
  fromBuilderModel,
  LIST_VALUED,
  rangesOf,
  type BuilderModel,
  type CriterionDraft,
  type GroupDraft,
} from './policy-model';

/** Key of a problem with the model as a whole (not tied to a row). */
export const ROOT_ISSUE = 'root';

export const NOT_AN_IP = 'Not a valid IP or CIDR';

/** Node id → message. Empty when the model is a valid policy. */
export type Issues = ReadonlyMap<string, string>;

const sentence = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

function engineIssue(value: unknown): string | null {
  try {
    parsePolicy(value);
    return null;
  } catch (e) {
    return e instanceof PolicyError ? sentence(e.detail) : 'This is not valid PPL.';
  }
}

/** What is wrong with one row, or null. */
export function criterionIssue(d: CriterionDraft): string | null {
  const info = CRITERIA[d.name];
  if (info.subKey && d.key.trim() === '') return 'Enter a claim name.';
  switch (info.kind) {
    case 'boolean':
      return null;
    case 'cidr': {
      const ranges = rangesOf(d.text);
      if (ranges.length === 0) return 'Enter an IP address or CIDR range.';
      for (const r of ranges) {
        if (engineIssue({ allow: { or: [{ source_ip: r }] } }))
          return ranges.length === 1 ? NOT_AN_IP : `${NOT_AN_IP}: ${r}`;
      }
      break;
    }
    case 'day_of_week':
      if (d.text.trim() === '') return 'Enter days, e.g. mon-fri.';
      break;
    case 'time_of_day':
      if (d.timezone === '') return 'Choose a time zone.';
      if (d.after === '' && d.before === '') return 'Enter a time for after and/or before.';
      break;
    default: {
      if (d.matches.length === 0) return 'Choose a matcher.';
      const seen = new Set<string>();
      for (const m of d.matches) {
        if (seen.has(m.matcher)) return `Use the "${m.matcher}" matcher only once.`;
        seen.add(m.matcher);
        if (LIST_VALUED.has(m.matcher) ? m.value.trim() === '' : m.value === '') {
          return info.kind === 'method' ? 'Choose a method.' : 'Enter a value.';
        }
      }
    }
  }
  return engineIssue({ allow: { or: [criterionToValue(d)] } });
}

/** Every problem in the model, by node id; ROOT_ISSUE when only the whole fails. */
export function validateModel(model: BuilderModel): Map<string, string> {
  const issues = new Map<string, string>();
  const visit = (g: GroupDraft) => {
    for (const s of g.operators) {
      for (const item of s.items) {
        if (item.kind === 'group') visit(item);
        else {
          const issue = criterionIssue(item);
          if (issue) issues.set(item.id, issue);
        }
      }
    }
  };
  if (model.allow) visit(model.allow);
  if (model.deny) visit(model.deny);
  if (issues.size > 0) return issues;
  if (!model.allow && !model.deny) {
    issues.set(ROOT_ISSUE, 'Add an allow or a deny block.');
    return issues;
  }
  // Rows are fine one by one; limits (size, depth) are only known for the whole.
  const whole = engineIssue(fromBuilderModel(model));
  if (whole) issues.set(ROOT_ISSUE, whole);
  return issues;
}

/**
 * Valid but empty: a block without operators, or an operator without items, matches
 * nothing (as in Pomerium). Shown as warnings by node id; they never hold back the YAML.
 */
export function modelWarnings(model: BuilderModel): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (g: GroupDraft) => {
    if (g.operators.length === 0) out.set(g.id, 'This block matches nothing: add an operator.');
    for (const s of g.operators) {
      if (s.items.length === 0) out.set(s.id, 'This block matches nothing: add a criterion or a group.');
      for (const item of s.items) if (item.kind === 'group') visit(item);
    }
  };
  if (model.allow) visit(model.allow);
  if (model.deny) visit(model.deny);
  return out;
}
