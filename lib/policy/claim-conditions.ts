// Conditions on the claims of an external token (a trust rule of workload identity
// federation), written with PPL's string matchers (is, starts_with, ends_with, contains,
// in, not_in, not) and tested by the same code as the `user`/`email` criteria: one matcher
// language for policies and trust rules.
import { claimGetter, describeMatch, stringTest } from './compile';
import { normalizeStringMatch } from './criteria';
import { PolicyError, isPlainObject, typeName } from './errors';
import type { StringMatch } from './types';

export interface ClaimCondition {
  /** A claim name; `a.b` or `a/b` reads a nested claim when no claim has the whole name (as `claim/…` does). */
  readonly claim: string;
  readonly match: StringMatch;
}

export const MAX_CONDITIONS = 16;
export const MAX_CLAIM_NAME = 128;
const CLAIM_NAME = /^[A-Za-z0-9_.:/-]+$/;

/** The matchers that pin a value down from its start; a rule needs one (see `anchored`). */
const ANCHORING = ['is', 'in', 'starts_with'] as const;

/**
 * Validates a list of conditions as stored or sent by a form: `[{claim, match}]`, where
 * `match` is a PPL string match or a bare string (`is`). Throws PolicyError, whose path
 * names the condition (`[1].match.starts_with`).
 */
export function parseClaimConditions(value: unknown): ClaimCondition[] {
  if (!Array.isArray(value)) throw new PolicyError([], `expected a list of conditions, got ${typeName(value)}`);
  if (value.length === 0) throw new PolicyError([], 'needs at least one condition');
  if (value.length > MAX_CONDITIONS) throw new PolicyError([], `has more than ${MAX_CONDITIONS} conditions`);
  return value.map((c, i) => {
    if (!isPlainObject(c)) throw new PolicyError([i], `expected a mapping with claim and match, got ${typeName(c)}`);
    const claim = c.claim;
    if (typeof claim !== 'string' || !CLAIM_NAME.test(claim) || claim.length > MAX_CLAIM_NAME)
      throw new PolicyError(
        [i, 'claim'],
        `expected a claim name (letters, digits and _ . : / -, at most ${MAX_CLAIM_NAME})`,
      );
    const match = normalizeStringMatch(c.match, [i, 'match']);
    if (Object.keys(match).length === 0) throw new PolicyError([i, 'match'], 'needs at least one matcher');
    return { claim, match };
  });
}

/**
 * A rule some condition of which fixes the value from its start (`is`, `in`, `starts_with`).
 * Without one, a rule such as `repository ends_with "/api"` would trust every repository
 * of that name on the whole platform.
 */
export const anchored = (conditions: readonly ClaimCondition[]): boolean =>
  conditions.some((c) => ANCHORING.some((m) => c.match[m] !== undefined));

/** `repository is "acme/api" and starts_with "acme/"`: how the console shows a condition. */
export const describeClaimCondition = (c: ClaimCondition): string => compileClaim(c).describe;

/** A claim's value as text, when it is a string, a number or a boolean. */
function claimText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return undefined;
}

function compileClaim(c: ClaimCondition): { describe: string; test: (claims: Record<string, unknown>) => boolean } {
  const get = claimGetter(c.claim);
  const matches = stringTest(c.match);
  return {
    describe: `${c.claim} ${describeMatch(c.match)}`,
    test: (claims) => {
      const text = claimText(get(claims));
      return text !== undefined && matches(text);
    },
  };
}

export type ConditionsResult = { ok: true } | { ok: false; failed: string };

/**
 * All conditions must hold. A claim that is absent, or not a string, number or boolean
 * (numbers and booleans compare by their text, as `claim/…` does), satisfies no condition,
 * not even `not`: a token that does not say what the rule asks about is refused.
 */
export function compileClaimConditions(
  conditions: readonly ClaimCondition[],
): (claims: Record<string, unknown>) => ConditionsResult {
  const tests = conditions.map(compileClaim);
  return (claims) => {
    for (const t of tests) if (!t.test(claims)) return { ok: false, failed: t.describe };
    return { ok: true };
  };
}
