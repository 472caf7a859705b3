import 'server-only';
import { getDatabase, getPrisma } from '@/lib/db';
import { log } from '@/lib/log';
import type { AccountState, RouteTableData } from '@/lib/verify/types';

export type { AccountState, RouteTableData };
export { loadActiveSigner as loadSigner, loadVerifyKeys } from '@/lib/dal/signing-keys';

/**
 * Reads for the verify path (lib/verify/types.ts VerifyStore). No console user is involved:
 * the caller is authorized by the token it presents, which the verify engine checks
 * before and after these reads.
 */
export async function loadAccountState(id: string): Promise<AccountState | null> {
  const a = await (await getPrisma()).serviceAccount.findUnique({
    where: { id },
    select: {
      id: true,
      userId: true,
      namespaceId: true,
      disabled: true,
      expiresAt: true,
      directoryUser: { select: { email: true, groups: true, active: true } },
    },
  });
  if (!a) return null;
  return {
    // An account impersonating a user the directory deactivated is suspended with them.
    id: a.id,
    userId: a.userId,
    namespaceId: a.namespaceId,
    disabled: a.disabled || a.directoryUser?.active === false,
    expiresAt: a.expiresAt ? a.expiresAt.getTime() : null,
    email: a.directoryUser?.email ?? null,
    groups: a.directoryUser?.groups ?? [],
  };
}

export async function readEpoch(): Promise<bigint> {
  return (await getDatabase()).readEpoch();
}

/**
 * "Accessed" is written in batches off the request path (as Pomerium does: ≤ 1,000 ids
 * at a time). A raw update, so neither the modified time nor the cache epoch moves.
 */
export async function recordAccessed(ids: string[], at: Date): Promise<void> {
  const prisma = await getPrisma();
  for (let i = 0; i < ids.length; i += 1000) {
    const batch = ids.slice(i, i + 1000);
    await prisma.$executeRaw`UPDATE service_accounts SET accessed_at = ${at} WHERE id = ANY(${batch}::uuid[]) AND (accessed_at IS NULL OR accessed_at < ${at})`;
  }
  log.debug({ count: ids.length }, 'recorded service-account access');
}

/** Everything route enforcement needs, in three queries; the verify engine keeps it in memory. */
export async function loadRouteTable(): Promise<RouteTableData> {
  const prisma = await getPrisma();
  const [namespaces, routes, policies] = await Promise.all([
    prisma.namespace.findMany({ select: { id: true, parentId: true } }),
    prisma.route.findMany({
      select: { id: true, namespaceId: true, host: true, pathPrefix: true, policies: { select: { policyId: true } } },
    }),
    prisma.policy.findMany({
      select: {
        id: true,
        namespaceId: true,
        name: true,
        enforced: true,
        ppl: true,
        explanation: true,
        remediation: true,
      },
    }),
  ]);
  return {
    namespaces,
    routes: routes.map(({ policies: p, ...r }) => ({ ...r, policyIds: p.map((x) => x.policyId) })),
    policies,
  };
}
