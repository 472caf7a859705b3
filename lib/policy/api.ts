import { PolicyError } from './errors';
import { compiledOf, compileTrusted, evaluateCompiled, type CompiledPolicy } from './evaluate';
import { parsePolicy } from './parse';
import { policyToValue, printValue } from './print';
import type { Decision, EvaluateOptions, MultiDecision, Policy, PolicyRequest } from './types';

/**
 * The validated, frozen, compiled twin of `policy`. parsePolicy() output is used as
 * is; a policy built by hand (e.g. in the visual builder) is validated again on every
 * call, so callers on a hot path should parse once and keep the result.
 */
function trusted(policy: Policy): Policy {
  if (compiledOf(policy)) return policy;
  let value: unknown;
  try {
    value = policyToValue(policy);
  } catch {
    throw new PolicyError([], 'not a policy object; build one with parsePolicy()');
  }
  return parsePolicy(value);
}

/** Compiles a policy into closures (cached for parsePolicy() output). Throws PolicyError if it is invalid. */
export function compilePolicy(policy: Policy): CompiledPolicy {
  return compileTrusted(trusted(policy));
}

/**
 * Canonical YAML: block style, allow before deny, operators as and, or, not, nor,
 * explicit matchers (`email: a@b.c` prints as `email: {is: a@b.c}`). Strings that
 * YAML 1.1 readers would turn into numbers or booleans (`17:00`, `yes`) are quoted,
 * so other tools read the same policy. parsePolicy(printPolicy(p)) deep-equals p.
 */
export function printPolicy(policy: Policy): string {
  return printValue(policyToValue(trusted(policy)));
}

/** Access = some allow rule matched and no deny rule matched. */
export function evaluatePolicy(policy: Policy, request: PolicyRequest, options?: EvaluateOptions): Decision {
  return (compiledOf(policy) ?? compilePolicy(policy)).evaluate(request, options);
}

/**
 * Several policies together (e.g. a namespace's enforced policies and a route's own):
 * a deny in any of them wins; access needs an allow in at least one. `policyIndex`
 * names the policy that decided.
 */
export function evaluatePolicies(
  policies: readonly Policy[],
  request: PolicyRequest,
  options?: EvaluateOptions,
): MultiDecision {
  return evaluateCompiled(policies.map(compilePolicy), request, options);
}
