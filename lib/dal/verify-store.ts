import 'server-only';
import { getDatabase, getPrisma } from '@/lib/db';
import { log } from '@/lib/log';
import type { AccountState, FederationData, RouteTableData } from '@/lib/verify/types';
import type { UsageRecord } from '@/lib/verify/usage';
import { recordUsage } from '@/lib/dal/usage-store';

export type { AccountState, FederationData, RouteTableData };
export { loadFederation } from '@/lib/dal/verify-federation';
export { loadActiveSigner as loadSigner, loadVerifyKeys } from '@/lib/dal/signing-keys';

/**
 * An account as the verify path sees it, as JSON built by the database: the one statement of
 * the rule, shared by the console's reads and the verifiers' snapshots and deltas
 * (lib/dal/verifier-feed.ts). An account impersonating a user the directory deactivated is
 * suspended with them. Rotation's generation and grace end travel as they are: the engine
 * compares the grace end with the time of each decision (lib/verify/generation.ts).
 * Used over `service_accounts sa LEFT JOIN directory_users du`.
 */
export const ACCOUNT_JSON = `json_build_object(
    'id', sa.id::text, 'userId', sa.user_id, 'namespaceId', sa.namespace_id,
    'disabled', (sa.disabled OR COALESCE(du.active = false, false)),
    'expiresAt', (extract(epoch FROM sa.expires_at) * 1000)::bigint,
    'email', du.email, 'groups', COALESCE(du.groups, '{}'), 'generation', sa.generation,
    'previousValidUntil', (extract(epoch FROM sa.previous_valid_until) * 1000)::bigint)`;
export const ACCOUNTS_FROM = 'service_accounts sa LEFT JOIN directory_users du ON du.id = sa.directory_user_id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads for the verify path (lib/verify/types.ts VerifyStore). No console user is involved:
 * the caller is authorized by the token it presents, which the verify engine checks
 * before and after these reads.
 */
export async function loadAccountState(id: string): Promise<AccountState | null> {
  if (!UUID.test(id)) return null; // a token id that is no account id names no account
  const [row] = await (await getPrisma()).$queryRawUnsafe<{ a: AccountState }[]>(
    `SELECT ${ACCOUNT_JSON} AS a FROM ${ACCOUNTS_FROM} WHERE sa.id = $1::uuid`,
    id,
  );
  return row?.a ?? null;
}

export async function readEpoch(): Promise<bigint> {
  return (await getDatabase()).readEpoch();
}

/**
 * "Accessed" is written in batches off the request path (as Pomerium does: ≤ 1,000 ids
 * at a time). A raw update, so neither the modified time nor the cache epoch moves. The
 * usage counts (lib/dal/usage-store.ts) go last: the updates before them are safe to
 * repeat when a failed flush is retried, the counts' upsert adds and must not be.
 */
export async function recordAccessed(ids: string[], at: Date, usage: UsageRecord[] = []): Promise<void> {
  const prisma = await getPrisma();
  for (let i = 0; i < ids.length; i += 1000) {
    const batch = ids.slice(i, i + 1000);
    await prisma.$executeRaw`UPDATE service_accounts SET accessed_at = ${at} WHERE id = ANY(${batch}::uuid[]) AND (accessed_at IS NULL OR accessed_at < ${at})`;
  }
  if (usage.length) await recordUsage(usage, at.getTime());
  log.debug({ count: ids.length, usage: usage.length }, 'recorded service-account access');
}

/** Everything route enforcement needs, in three queries; the verify engine keeps it in memory. */
export async function loadRouteTable(): Promise<RouteTableData> {
  const prisma = await getPrisma();
  const [namespaces, routes, policies] = await Promise.all([
    prisma.namespace.findMany({ select: { id: true, parentId: true } }),
    prisma.route.findMany({
      select: {
        id: true,
        namespaceId: true,
        host: true,
        pathPrefix: true,
        acceptExternalTokens: true,
        policies: { select: { policyId: true } },
      },
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
