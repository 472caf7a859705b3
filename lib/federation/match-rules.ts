// Which trust rules an external token meets: verified once per trusted issuer record (each
// with its own audience), then tested against that record's rules. The one matcher behind
// both ways in: the token exchange (lib/dal/token-exchange.ts) and a token presented
// directly to a route that accepts it (lib/verify/external.ts). Framework-free.
import { compileClaimConditions, parseClaimConditions, type ConditionsResult } from '@/lib/policy';
import { verifyExternalToken, type ExternalFailure, type IssuerKeys, type UrlPolicy } from './external-token';

export interface CandidateIssuer extends IssuerKeys {
  id: string;
  name: string;
}

export interface CandidateRule<I extends CandidateIssuer = CandidateIssuer> {
  id: string;
  issuer: I;
  test: (claims: Record<string, unknown>) => ConditionsResult;
}

/**
 * A rule's stored conditions as a test. Conditions were validated on save; ones that no
 * longer parse match nothing (fail closed), never everything.
 */
export function compileRuleConditions(conditions: unknown): CandidateRule['test'] {
  try {
    return compileClaimConditions(parseClaimConditions(conditions));
  } catch {
    return () => ({ ok: false, failed: 'the rule’s stored conditions are unreadable' });
  }
}

export type RuleMatch<R extends CandidateRule> =
  | { ok: true; matches: { rule: R; claims: Record<string, unknown> }[] }
  | { ok: false; reason: ExternalFailure | 'rule_mismatch'; detail: string };

/**
 * Verifies `token` with each issuer the rules name (in the rules' order) and tests the
 * rules of the issuers that accept it. `firstOnly`: stop at the first rule met (the
 * exchange, for one account); otherwise every rule met is returned (a direct presentation
 * must see whether rules of several accounts match). With no match: `rule_mismatch` when
 * some issuer verified the token, else the first issuer's failure, `keys_unavailable`
 * first (the caller may answer 503 for it).
 */
export async function matchTrustRules<R extends CandidateRule>(
  token: string,
  rules: readonly R[],
  policy: UrlPolicy,
  now: Date | undefined,
  opts: { firstOnly: boolean },
): Promise<RuleMatch<R>> {
  const issuers = [...new Map(rules.map((r) => [r.issuer.id, r.issuer])).values()];
  const failures: { reason: ExternalFailure; detail: string }[] = [];
  const mismatches: string[] = [];
  const matches: { rule: R; claims: Record<string, unknown> }[] = [];
  for (const issuer of issuers) {
    const verified = await verifyExternalToken(token, issuer, policy, now);
    if (!verified.ok) {
      failures.push({ reason: verified.reason, detail: `${issuer.name}: ${verified.detail}` });
      continue;
    }
    for (const rule of rules) {
      if (rule.issuer.id !== issuer.id) continue;
      const result = rule.test(verified.claims);
      if (result.ok) {
        matches.push({ rule, claims: verified.claims });
        if (opts.firstOnly) return { ok: true, matches };
      } else mismatches.push(`rule ${rule.id}: ${result.failed}`);
    }
  }
  if (matches.length) return { ok: true, matches };
  if (mismatches.length)
    return { ok: false, reason: 'rule_mismatch', detail: `no rule matched (${mismatches.join('; ')})` };
  if (!failures.length) return { ok: false, reason: 'claims', detail: 'no rule to test' };
  const f = failures.find((x) => x.reason === 'keys_unavailable') ?? failures[0]!;
  return { ok: false, reason: f.reason, detail: failures.map((x) => x.detail).join('; ') };
}
