// A CI platform's token presented directly to a route that accepts external tokens: which
// trust rules could turn it into a service account there. The token is verified and the
// rules tested by the exchange's own code (lib/federation/match-rules.ts); this file only
// narrows the candidates to the route. No framework, no database.
import { peekIssuer } from '@/lib/federation/external-token';
import { compileRuleConditions, type CandidateIssuer, type CandidateRule } from '@/lib/federation/match-rules';
import type { CompiledRoute } from '@/lib/verify/route-table';
import type { FederationData } from '@/lib/verify/types';

export interface ExternalRule extends CandidateRule<CandidateIssuer & { namespaceId: string }> {
  serviceAccountId: string;
  accountNamespaceId: string;
}

/** Trusted issuers and their rules, compiled once per load and grouped by the issuer URL a token names. */
export class ExternalTrust {
  private byIssuerUrl = new Map<string, ExternalRule[]>();

  constructor(data: FederationData) {
    const issuers = new Map(data.issuers.map((i) => [i.id, i]));
    for (const r of data.rules) {
      const issuer = issuers.get(r.issuerId);
      if (!issuer) continue;
      const rule: ExternalRule = {
        id: r.id,
        issuer,
        test: compileRuleConditions(r.conditions),
        serviceAccountId: r.serviceAccountId,
        accountNamespaceId: r.accountNamespaceId,
      };
      const list = this.byIssuerUrl.get(issuer.issuerUrl) ?? [];
      list.push(rule);
      this.byIssuerUrl.set(issuer.issuerUrl, list);
    }
  }

  /**
   * The rules that may match `token` on `route`: of its issuer URL, of accounts in the
   * route's scope (its namespace and ancestors), of issuers trusted there. Empty for a
   * token that names no issuer, or one nobody trusts for this route.
   */
  candidates(token: string, route: CompiledRoute): ExternalRule[] {
    const iss = peekIssuer(token)?.iss;
    if (!iss) return [];
    return (this.byIssuerUrl.get(iss) ?? []).filter(
      (r) => route.scope.has(r.accountNamespaceId) && route.scope.has(r.issuer.namespaceId),
    );
  }
}

/** The `iss` a token names, unverified; null when it is not a JWT that names one. */
export const issuerOf = (token: string): string | null => peekIssuer(token)?.iss ?? null;
