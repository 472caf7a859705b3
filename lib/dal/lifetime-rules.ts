import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { authorize } from '@/lib/dal/authz';
import { about } from '@/lib/dal/audit';
import { mutate } from '@/lib/dal/mutation';
import type { Tx } from '@/lib/dal/epoch';
import { invalid } from '@/lib/dal/errors';
import { namespaceTree, subtreeIds, type NamespaceNode } from '@/lib/dal/namespaces';
import {
  lifetimeViolation,
  NO_RULE,
  type EffectiveLifetimeRule,
  type LifetimeRuleValues,
} from '@/lib/schemas/lifetime-rule';

// A namespace's lifetime rules hold in its descendants too; where several namespaces on the
// path set one, the strictest (smallest) value wins, so a child can tighten a rule and never
// loosen it.

type Rules = Map<string, LifetimeRuleValues>;

async function loadRules(db: Tx): Promise<Rules> {
  const rows = await db.lifetimeRule.findMany({
    select: { namespaceId: true, maxLifetimeDays: true, disableUnusedDays: true },
  });
  return new Map(rows.map(({ namespaceId, ...r }) => [namespaceId, r]));
}

/** The rule in force in every namespace of the tree, top down. */
export function effectiveRules(tree: NamespaceNode[], rules: Rules): Map<string, EffectiveLifetimeRule> {
  const kids = new Map<string | null, NamespaceNode[]>();
  for (const n of tree) (kids.get(n.parentId) ?? kids.set(n.parentId, []).get(n.parentId)!).push(n);
  const out = new Map<string, EffectiveLifetimeRule>();
  const stack: [NamespaceNode, EffectiveLifetimeRule][] = (kids.get(null) ?? []).map((n) => [n, NO_RULE]);
  while (stack.length) {
    const [n, above] = stack.pop()!;
    const own = rules.get(n.id);
    const rule = { ...above };
    if (own?.maxLifetimeDays != null && (rule.maxLifetimeDays === null || own.maxLifetimeDays < rule.maxLifetimeDays))
      Object.assign(rule, { maxLifetimeDays: own.maxLifetimeDays, maxLifetimeFrom: n.name });
    if (
      own?.disableUnusedDays != null &&
      (rule.disableUnusedDays === null || own.disableUnusedDays < rule.disableUnusedDays)
    )
      Object.assign(rule, { disableUnusedDays: own.disableUnusedDays, disableUnusedFrom: n.name });
    out.set(n.id, rule);
    for (const c of kids.get(n.id) ?? []) stack.push([c, rule]);
  }
  return out;
}

/** Every namespace's rule in force, for the system (the auto-disable job). */
export async function allEffectiveRules(db?: Tx): Promise<Map<string, EffectiveLifetimeRule>> {
  const client = db ?? (await getPrisma());
  const [tree, rules] = await Promise.all([namespaceTree(client), loadRules(client)]);
  return effectiveRules(tree, rules);
}

export interface NamespaceLifetimeRules {
  /** Set on this namespace itself (the form's values). */
  own: LifetimeRuleValues;
  /** What holds here, own and inherited together. */
  effective: EffectiveLifetimeRule;
  /** What its ancestors impose (a value here may only be stricter to matter). */
  inherited: EffectiveLifetimeRule;
}

/** The settings page: this namespace's own rule, what it inherits, and what holds. Viewer. */
export async function getLifetimeRules(actor: Actor | null, namespaceId: string): Promise<NamespaceLifetimeRules> {
  await authorize(actor, namespaceId, 'viewer');
  const prisma = await getPrisma();
  const [tree, rules] = await Promise.all([namespaceTree(prisma), loadRules(prisma)]);
  const parentId = tree.find((n) => n.id === namespaceId)?.parentId ?? null;
  const all = effectiveRules(tree, rules);
  return {
    own: rules.get(namespaceId) ?? { maxLifetimeDays: null, disableUnusedDays: null },
    effective: all.get(namespaceId) ?? NO_RULE,
    inherited: (parentId && all.get(parentId)) || NO_RULE,
  };
}

/** The rule in force in a namespace and each of its descendants, for the forms of the accounts list. Viewer. */
export async function lifetimeRulesBelow(
  actor: Actor | null,
  namespaceId: string,
): Promise<Record<string, EffectiveLifetimeRule>> {
  await authorize(actor, namespaceId, 'viewer');
  const prisma = await getPrisma();
  const [tree, rules] = await Promise.all([namespaceTree(prisma), loadRules(prisma)]);
  const all = effectiveRules(tree, rules);
  return Object.fromEntries(subtreeIds(tree, namespaceId).map((id) => [id, all.get(id) ?? NO_RULE]));
}

/** Sets (or, with both values empty, removes) a namespace's own rule. Admin; recorded in the Change History. */
export async function setLifetimeRule(
  actor: Actor | null,
  namespaceId: string,
  values: LifetimeRuleValues,
): Promise<LifetimeRuleValues> {
  return mutate(async (m) => {
    const who = await authorize(actor, namespaceId, 'admin', m.tx);
    const before = await m.tx.lifetimeRule.findUnique({
      where: { namespaceId },
      select: { maxLifetimeDays: true, disableUnusedDays: true },
    });
    const after = { maxLifetimeDays: values.maxLifetimeDays, disableUnusedDays: values.disableUnusedDays };
    if (after.maxLifetimeDays === null && after.disableUnusedDays === null)
      await m.tx.lifetimeRule.deleteMany({ where: { namespaceId } });
    else await m.tx.lifetimeRule.upsert({ where: { namespaceId }, create: { namespaceId, ...after }, update: after });
    // A setting of the namespace; nothing the verify path reads (it is applied when tokens are issued).
    await m.record(
      who,
      about('namespace', namespaceId, namespaceId).updated(
        { lifetimeRule: before ?? { maxLifetimeDays: null, disableUnusedDays: null } },
        { lifetimeRule: after },
      ),
      { affectsVerify: false },
    );
    return after;
  });
}

/**
 * Refuses an expiry for a new token (creation, rotation) outside the rule of the account's
 * namespace, on the field that chose it. Inside the issuing transaction, so a rule set
 * meanwhile is honoured.
 */
export async function enforceLifetimeRule(
  tx: Tx,
  namespaceId: string,
  expiresAt: Date | null,
  field: 'expiration' | 'customExpiresAt',
  now: Date,
): Promise<void> {
  const rule = (await allEffectiveRules(tx)).get(namespaceId) ?? NO_RULE;
  const problem = lifetimeViolation(expiresAt, rule, now);
  if (problem) throw invalid(problem, { [field]: [problem] });
}
