import { LRUCache } from 'lru-cache';
import { PolicyError, isPlainObject, typeName, type PathSegment } from './errors';
import { MAX_VALUES, normalizeCriterion, type Budget } from './criteria';
import { loadYaml } from './yaml-source';
import { compileTrusted } from './evaluate';
import { OPERATORS, type Block, type Item, type Operator, type Policy, type Rule } from './types';

/** Operator levels: `allow.and` is level 1, an `{or: […]}` inside it level 2. */
export const MAX_DEPTH = 32;
export const MAX_CRITERIA = 1_000;

const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);

// Parsed policies are frozen, so one object can be handed to every caller that
// parses the same text. Bounded by count and by total text size.
const cache = new LRUCache<string, Policy>({
  max: 500,
  maxSize: 16 * 1024 * 1024,
  sizeCalculation: (_policy, text) => text.length + 1,
});

/**
 * Parses a policy from YAML or JSON text, or from an already-parsed JS value (one rule
 * or a list of rules). Returns a normalized, deeply frozen policy, compiled and ready
 * for evaluatePolicy(). Throws PolicyError naming the place (and the line, for text).
 */
export function parsePolicy(source: string | unknown): Policy {
  if (typeof source !== 'string') return finish(normalizePolicy(source));
  const hit = cache.get(source);
  if (hit) return hit;
  const loaded = loadYaml(source);
  let policy: Policy;
  try {
    policy = normalizePolicy(loaded.value);
  } catch (e) {
    if (e instanceof PolicyError && e.line === undefined) {
      const pos = loaded.locate(e.segments);
      if (pos) {
        e.line = pos.line;
        e.column = pos.column;
      }
    }
    throw e;
  }
  policy = finish(policy);
  cache.set(source, policy);
  return policy;
}

function finish(policy: Policy): Policy {
  deepFreeze(policy);
  compileTrusted(policy);
  return policy;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/**
 * Validates a plain JS value as PPL and builds the typed tree (not frozen, not compiled).
 * As in Pomerium: `{}` and `[]` are policies without rules, a rule `{}` adds no rule,
 * `allow: {}` and empty operator lists match nothing, and a block may carry an `action`
 * key, which is ignored.
 */
export function normalizePolicy(value: unknown): Policy {
  const budget: Budget = { criteria: MAX_CRITERIA, values: MAX_VALUES };
  if (value === null || value === undefined) throw new PolicyError([], 'policy is empty');
  if (Array.isArray(value)) {
    if (value.length > MAX_CRITERIA) throw new PolicyError([], `policy has more than ${MAX_CRITERIA} rules`);
    const rules: Rule[] = [];
    value.forEach((r, i) => {
      const rule = toRule(r, [i], budget);
      if (rule) rules.push(rule);
    });
    return { rules };
  }
  if (isPlainObject(value)) {
    const rule = toRule(value, [], budget);
    return { rules: rule ? [rule] : [] };
  }
  throw new PolicyError(
    [],
    `a policy is a rule (a mapping with allow and/or deny) or a list of rules, got ${typeName(value)}`,
  );
}

function toRule(raw: unknown, at: readonly PathSegment[], budget: Budget): Rule | null {
  if (!isPlainObject(raw)) {
    throw new PolicyError(at, `expected a rule (a mapping with allow and/or deny), got ${typeName(raw)}`);
  }
  for (const key of Object.keys(raw)) {
    if (key !== 'allow' && key !== 'deny') {
      throw new PolicyError([...at, key], `unknown key "${key.slice(0, 64)}" (a rule has allow and/or deny)`);
    }
  }
  if (raw.allow === undefined && raw.deny === undefined) return null;
  const rule: { allow?: Block; deny?: Block } = {};
  if (raw.allow !== undefined) rule.allow = toBlock(raw.allow, [...at, 'allow'], 0, budget);
  if (raw.deny !== undefined) rule.deny = toBlock(raw.deny, [...at, 'deny'], 0, budget);
  return rule;
}

function toBlock(raw: unknown, at: readonly PathSegment[], depth: number, budget: Budget): Block {
  if (!isPlainObject(raw)) {
    throw new PolicyError(at, `expected a mapping of operators (and, or, not, nor), got ${typeName(raw)}`);
  }
  const keys = Object.keys(raw);
  for (const key of keys) {
    // Pomerium allows `action` beside the operators of a rule's block and ignores it.
    if (!OPERATOR_SET.has(key) && !(key === 'action' && depth === 0)) {
      throw new PolicyError([...at, key], `unknown operator "${key.slice(0, 64)}" (expected and, or, not, nor)`);
    }
  }
  if (depth + 1 > MAX_DEPTH) throw new PolicyError(at, `operators are nested more than ${MAX_DEPTH} levels deep`);
  const block: { kind: 'block' } & { [K in Operator]?: Item[] } = { kind: 'block' };
  for (const op of OPERATORS) {
    if (raw[op] === undefined) continue;
    block[op] = toItems(raw[op], [...at, op], depth + 1, budget);
  }
  return block;
}

function toItems(raw: unknown, at: readonly PathSegment[], depth: number, budget: Budget): Item[] {
  if (!Array.isArray(raw)) throw new PolicyError(at, `expected a list of criteria, got ${typeName(raw)}`);
  // An empty list matches nothing (compile.ts), as in Pomerium: never vacuously true.
  if (raw.length > MAX_CRITERIA) throw new PolicyError(at, `has more than ${MAX_CRITERIA} entries`);
  return raw.map((item, i) => toItem(item, [...at, i], depth, budget));
}

function toItem(raw: unknown, at: readonly PathSegment[], depth: number, budget: Budget): Item {
  if (!isPlainObject(raw)) {
    throw new PolicyError(at, `expected a criterion such as "email: a@example.com", got ${typeName(raw)}`);
  }
  const keys = Object.keys(raw);
  if (keys.length === 0) throw new PolicyError(at, 'empty entry; expected a criterion such as "email: a@example.com"');
  // A nested operator mapping is a Postern extension (Pomerium lists hold criteria only).
  if (keys.every((k) => OPERATOR_SET.has(k))) return toBlock(raw, at, depth, budget);
  if (keys.length !== 1) {
    throw new PolicyError(at, `a criterion has exactly one key, got ${keys.length} (${keys.slice(0, 5).join(', ')})`);
  }
  const key = keys[0] as string;
  if (--budget.criteria < 0) throw new PolicyError(at, `policy has more than ${MAX_CRITERIA} criteria`);
  return normalizeCriterion(key, raw[key], [...at, key], budget);
}
