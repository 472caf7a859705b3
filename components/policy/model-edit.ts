// Edits of the builder model that span more than one node: the quick overrides.
import type { CriterionName } from '@/lib/policy';
import { newCriterion, newGroup, nextId, type BuilderModel, type GroupDraft, type ItemDraft } from './policy-model';

/** Overrides are boolean criteria OR'd into the allow block: each one alone grants access. */
export const OVERRIDES = [
  {
    name: 'authenticated_user',
    label: 'Any authenticated user',
    hint: 'Allow every caller with a valid token or session.',
  },
  {
    name: 'cors_preflight',
    label: 'CORS preflight',
    hint: "Allow browsers' OPTIONS preflight requests, which carry no credentials.",
  },
  { name: 'accept', label: 'Public access', hint: 'Allow everyone, even anonymous callers. Deny blocks still apply.' },
] as const satisfies readonly { name: CriterionName; label: string; hint: string }[];

export type OverrideName = (typeof OVERRIDES)[number]['name'];

const isOverride = (item: ItemDraft, name: OverrideName) => item.kind === 'criterion' && item.name === name;

/** True when allow.or holds the criterion directly (not inside a nested group). */
export function hasOverride(model: BuilderModel, name: OverrideName): boolean {
  return !!model.allow?.operators.some((s) => s.op === 'or' && s.items.some((i) => isOverride(i, name)));
}

export function setOverride(model: BuilderModel, name: OverrideName, on: boolean): BuilderModel {
  if (on === hasOverride(model, name)) return model;
  if (on) {
    const item = newCriterion(name);
    if (!model.allow) return { ...model, allow: newGroup('or', [item]) };
    const allow = model.allow;
    const at = allow.operators.findIndex((s) => s.op === 'or');
    // A block's operators are OR'd, so a new `or` beside an existing `and` still grants on its own.
    const operators =
      at === -1
        ? [...allow.operators, { id: nextId(), op: 'or' as const, items: [item] }]
        : allow.operators.map((s, i) => (i === at ? { ...s, items: [...s.items, item] } : s));
    return { ...model, allow: { ...allow, operators } };
  }
  const allow = model.allow as GroupDraft;
  const operators = allow.operators
    .map((s) => (s.op === 'or' ? { ...s, items: s.items.filter((i) => !isOverride(i, name)) } : s))
    // Drop an `or` that only held overrides, rather than leave an invalid empty list.
    .filter((s) => s.items.length > 0 || !allow.operators.some((o) => o.id === s.id && o.items.length > 0));
  return { ...model, allow: operators.length ? { ...allow, operators } : null };
}
