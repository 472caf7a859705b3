import 'server-only';
import { getPrisma } from '@/lib/db';
import { pathTo } from '@/lib/dal/namespaces';
import type { FederationData } from '@/lib/verify/types';

/**
 * Trusted issuers and trust rules for the verify path (lib/verify/external.ts), read in one
 * go and kept in memory by the engine until an issuer, rule, route, namespace or account
 * changes. A rule whose issuer is not trusted in its account's namespace or an ancestor is
 * left out, as the exchange leaves it out (namespaces move).
 */
export async function loadFederation(): Promise<FederationData> {
  const prisma = await getPrisma();
  const [namespaces, issuers, rules] = await Promise.all([
    prisma.namespace.findMany({ select: { id: true, name: true, parentId: true } }),
    prisma.trustedIssuer.findMany({
      select: { id: true, namespaceId: true, name: true, issuerUrl: true, audience: true, jwksUrl: true },
      orderBy: { createdAt: 'asc' },
    }),
    prisma.trustRule.findMany({
      select: {
        id: true,
        issuerId: true,
        serviceAccountId: true,
        conditions: true,
        serviceAccount: { select: { namespaceId: true } },
      },
      orderBy: { createdAt: 'asc' },
    }),
  ]);
  const issuerNs = new Map(issuers.map((i) => [i.id, i.namespaceId]));
  const lineage = new Map<string, Set<string>>();
  const lineageOf = (ns: string) => {
    let set = lineage.get(ns);
    if (!set) lineage.set(ns, (set = new Set(pathTo(namespaces, ns).map((n) => n.id))));
    return set;
  };
  return {
    issuers,
    rules: rules
      .filter((r) => lineageOf(r.serviceAccount.namespaceId).has(issuerNs.get(r.issuerId) ?? ''))
      .map((r) => ({
        id: r.id,
        issuerId: r.issuerId,
        serviceAccountId: r.serviceAccountId,
        accountNamespaceId: r.serviceAccount.namespaceId,
        conditions: r.conditions,
      })),
  };
}
