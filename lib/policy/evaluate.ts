// Anonymous callers (request.user === null), the rule we chose:
//
// Identity criteria (authenticated_user, user, email, domain, groups, claim/*) are
// UNKNOWN for an anonymous caller, and source_ip is UNKNOWN when the client address is, neither true nor false, and operators use Kleene
// three-valued logic: an operator whose result depends on an unknown is unknown
// (`not: [email: x]` is unknown, not true), while one that definite values already
// decide is not (`or: [email: x, source_ip: 10.0.0.0/8]` is true from 10.1.2.3).
// An unknown allow block does not allow. An unknown deny block DOES deny (fail
// closed): otherwise `deny: {not: [{domain: corp.com}]}` would let any anonymous
// caller through a route whose allow side matched on, say, source_ip alone (Pomerium
// also denies there, and asks the caller to sign in). The price, where we are
// stricter than Pomerium: `deny: {or: [{email: bad@x.io}]}` refuses anonymous callers
// too, since they cannot show they are not bad@x.io. Decision.deny is then true and,
// with explain, the reasons say the caller is not authenticated.
import { compileRules, type CNode, type CompiledRules } from './compile';
import { F, T, U, makeContext, type Ctx, type Tri } from './context';
import type { Decision, EvaluateOptions, MultiDecision, Policy, PolicyRequest } from './types';

export interface CompiledPolicy {
  readonly policy: Policy;
  /** Its compiled rules, so several policies can be evaluated over one context (`evaluateCompiled`). */
  readonly rules: CompiledRules;
  evaluate(request: PolicyRequest, options?: EvaluateOptions): Decision;
}

// Only parsePolicy() output lands here: it is validated and frozen, so the compiled
// closures can never disagree with the object they are keyed by.
const trusted = new WeakMap<Policy, CompiledPolicy>();

export function compileTrusted(policy: Policy): CompiledPolicy {
  let compiled = trusted.get(policy);
  if (!compiled) {
    compiled = build(policy, compileRules(policy));
    trusted.set(policy, compiled);
  }
  return compiled;
}

export function isTrusted(policy: Policy): boolean {
  return trusted.has(policy);
}

export function compiledOf(policy: Policy): CompiledPolicy | undefined {
  return trusted.get(policy);
}

function build(policy: Policy, rules: CompiledRules): CompiledPolicy {
  return {
    policy,
    rules,
    evaluate(request, options) {
      const ctx = makeContext(request);
      if (options?.explain) return explainDecision(rules, ctx);
      const allow = rules.allowTest(ctx) === T;
      // Deny first would be cheaper only when it matches; allow is the common case.
      const deny = rules.denyTest(ctx) !== F;
      return { allowed: allow && !deny, allow, deny, reasons: [] };
    },
  };
}

interface Explained {
  v: Tri;
  why: string[];
}

const UNKNOWN_NOTE = 'unknown: the caller is not authenticated';
const UNKNOWN_ADDRESS_NOTE = 'unknown: the client address is not known';

function explainNode(node: CNode, ctx: Ctx): Explained {
  if (node.kind === 'criterion') {
    const v = node.test(ctx);
    const text = `${node.path} ${node.describe}`;
    const unknown = node.describe.startsWith('source_ip') ? UNKNOWN_ADDRESS_NOTE : UNKNOWN_NOTE;
    return { v, why: [v === T ? text : v === F ? `${text}: no match` : `${text}: ${unknown}`] };
  }
  const kids = node.children.map((c) => explainNode(c, ctx));
  if (kids.length === 0) return { v: F, why: [`${node.path}: empty, matches nothing`] };
  const op = node.kind === 'operator' ? node.op : 'or';
  // Which child value decides the operator, and the value it then takes.
  const [decider, result]: [Tri, Tri] = op === 'and' ? [F, F] : op === 'or' ? [T, T] : op === 'not' ? [T, F] : [F, T];
  const first = kids.find((k) => k.v === decider);
  if (first) return { v: result, why: first.why };
  const unknown = kids.filter((k) => k.v === U);
  if (unknown.length) return { v: U, why: unknown.flatMap((k) => k.why) };
  const v: Tri = result === T ? F : T;
  return { v, why: kids.flatMap((k) => k.why) };
}

function explainSide(nodes: readonly CNode[], ctx: Ctx): Explained {
  if (nodes.length === 0) return { v: F, why: [] };
  return explainNode({ kind: 'block', path: '', children: nodes, test: () => F }, ctx);
}

function explainDecision(rules: CompiledRules, ctx: Ctx): Decision {
  const allow = explainSide(rules.allow, ctx);
  const deny = explainSide(rules.deny, ctx);
  const allowed = allow.v === T && deny.v === F;
  let reasons: string[];
  if (deny.v !== F) reasons = deny.why;
  else if (allow.v === T) reasons = allow.why;
  else
    reasons = [
      'no allow rule matched',
      ...(allow.v === U ? allow.why : allow.why.filter((w) => w.endsWith('matches nothing'))),
    ];
  return { allowed, allow: allow.v === T, deny: deny.v !== F, reasons };
}

/**
 * Several compiled policies over one request context (the derived values computed once,
 * one clock reading for all), decided as `combineDecisions` combines their decisions,
 * without building them: this is the verify path's hot loop.
 */
export function evaluateCompiled(
  policies: readonly CompiledPolicy[],
  request: PolicyRequest,
  options?: EvaluateOptions,
): MultiDecision {
  if (options?.explain) {
    const combined = combineDecisions(policies.map((p) => p.evaluate(request, options)));
    if (combined.policyIndex === null) combined.reasons = [...new Set(combined.reasons)];
    return combined;
  }
  if (policies.length === 0) return { ...combineDecisions([]), until: Number.POSITIVE_INFINITY };
  const ctx = makeContext(request);
  let firstAllow: number | null = null;
  for (let i = 0; i < policies.length; i++) {
    const { rules } = policies[i] as CompiledPolicy;
    const allow = rules.allowTest(ctx) === T;
    if (rules.denyTest(ctx) !== F) {
      // As combineDecisions reports it: whether any policy allowed, denied or not.
      let anyAllow = allow || firstAllow !== null;
      for (let j = i + 1; !anyAllow && j < policies.length; j++)
        anyAllow = (policies[j] as CompiledPolicy).rules.allowTest(ctx) === T;
      return { allowed: false, allow: anyAllow, deny: true, reasons: [], policyIndex: i, until: ctx.until };
    }
    if (allow && firstAllow === null) firstAllow = i;
  }
  return firstAllow === null
    ? { allowed: false, allow: false, deny: false, reasons: [], policyIndex: null, until: ctx.until }
    : { allowed: true, allow: true, deny: false, reasons: [], policyIndex: firstAllow, until: ctx.until };
}

/**
 * Combines several policies (e.g. the enforced ones of a namespace and a route's own):
 * a deny in any policy wins; access needs an allow in at least one and no deny.
 */
export function combineDecisions(decisions: readonly Decision[]): MultiDecision {
  let firstAllow: number | null = null;
  for (let i = 0; i < decisions.length; i++) {
    const d = decisions[i] as Decision;
    if (d.deny)
      return { allowed: false, allow: decisions.some((x) => x.allow), deny: true, reasons: d.reasons, policyIndex: i };
    if (d.allow && firstAllow === null) firstAllow = i;
  }
  if (firstAllow === null) {
    const reasons = decisions.length ? decisions.flatMap((d) => d.reasons) : ['no policy applies'];
    return { allowed: false, allow: false, deny: false, reasons, policyIndex: null };
  }
  const d = decisions[firstAllow] as Decision;
  return { allowed: true, allow: true, deny: false, reasons: d.reasons, policyIndex: firstAllow };
}
