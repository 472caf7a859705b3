import { stringify } from 'yaml';
import { OPERATORS, type Block, type Criterion, type Item, type Policy, type Rule } from './types';

/**
 * The policy as plain PPL data (what YAML or JSON would hold), with explicit matchers
 * and canonical key order. A single rule is written as a mapping, otherwise a list.
 */
export function policyToValue(policy: Policy): unknown {
  const rules = policy.rules.map(ruleValue);
  return rules.length === 1 ? rules[0] : rules;
}

function ruleValue(rule: Rule): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (rule.allow) out.allow = blockValue(rule.allow);
  if (rule.deny) out.deny = blockValue(rule.deny);
  return out;
}

function blockValue(block: Block): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const op of OPERATORS) {
    const items = block[op];
    if (items) out[op] = items.map(itemValue);
  }
  return out;
}

function itemValue(item: Item): Record<string, unknown> {
  return item.kind === 'block' ? blockValue(item) : criterionValue(item);
}

const copy = (o: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? [...(v as unknown[])] : v]));

export function criterionValue(c: Criterion): Record<string, unknown> {
  if (c.value === true) return { [c.name]: true }; // the criteria that take no value
  switch (c.name) {
    case 'claim':
      return { [`claim/${c.key}`]: copy(c.value) };
    case 'source_ip':
      return { source_ip: [...c.value] };
    case 'day_of_week':
      return { day_of_week: c.timezone === undefined ? c.value : { is: c.value, timezone: c.timezone } };
    case 'client_certificate':
      return {
        client_certificate: Object.fromEntries(
          Object.entries(c.value).map(([k, v]) => [k, Array.isArray(v) ? [...(v as string[])] : copy(v as object)]),
        ),
      };
    default:
      return { [c.name]: copy(c.value) };
  }
}

/** Canonical YAML for a PPL value from policyToValue(); see printPolicy(). */
export function printValue(value: unknown): string {
  return stringify(value, { compat: 'yaml-1.1', aliasDuplicateObjects: false, lineWidth: 0 });
}
