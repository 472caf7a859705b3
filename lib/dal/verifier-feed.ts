import 'server-only';
// What a verifier follows (lib/verifier/sync.ts): a snapshot of everything a decision
// needs, then deltas keyed by the state version. Deltas carry whole current states (an
// account, the route table, the keys), never edits, so applying one twice or over newer
// data is harmless; that is what lets a snapshot be read without a long transaction.
import { CompactEncrypt, importJWK, type JWK } from 'jose';
import { getPrisma } from '@/lib/db';
import { loadRouteTable, readEpoch } from '@/lib/dal/verify-store';
import { loadActiveSignerJwk, loadPublicJwks } from '@/lib/dal/signing-keys';
import type { StateChangeEntry } from '@/lib/dal/epoch';
import type { AccountState } from '@/lib/verify/types';
import type { Delta, KeysPayload, Snapshot } from '@/lib/verifier/protocol';
import { log } from '@/lib/log';
import { config } from '@/lib/config';

/** More changed accounts than this in one delta: the verifier reloads the snapshot instead. */
const MAX_DELTA_ACCOUNTS = 5_000;
const PRUNE_EVERY_MS = 10 * 60_000;

interface AccountRow {
  id: string;
  user_id: string;
  namespace_id: string;
  disabled: boolean;
  expires_at: Date | null;
  email: string | null;
  groups: string[] | null;
}

const toState = (r: AccountRow): AccountState => ({
  id: r.id,
  userId: r.user_id,
  namespaceId: r.namespace_id,
  disabled: r.disabled,
  expiresAt: r.expires_at ? r.expires_at.getTime() : null,
  email: r.email,
  groups: r.groups ?? [],
});

// One join instead of Prisma's relation query: a snapshot reads every account.
// An account impersonating a user the directory deactivated is suspended with them.
const ACCOUNT_SQL = `SELECT sa.id::text AS id, sa.user_id, sa.namespace_id,
    (sa.disabled OR COALESCE(du.active = false, false)) AS disabled, sa.expires_at, du.email, du.groups
  FROM service_accounts sa LEFT JOIN directory_users du ON du.id = sa.directory_user_id`;

async function accountStates(where = '', params: unknown[] = []): Promise<AccountState[]> {
  const rows = await (await getPrisma()).$queryRawUnsafe<AccountRow[]>(`${ACCOUNT_SQL} ${where}`, ...params);
  return rows.map(toState);
}

/**
 * The signing key, sealed for this verifier alone: ECDH-ES to the ephemeral public key the
 * verifier sent with its request (A256GCM), so it never crosses the wire in the clear and
 * is useless to anyone without that process's private key.
 */
async function keysFor(verifierKey: JWK): Promise<KeysPayload> {
  const [{ kid, privateJwk }, publicJwks] = await Promise.all([loadActiveSignerJwk(), loadPublicJwks()]);
  const recipient = await importJWK(verifierKey, 'ECDH-ES');
  const signer = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ kid, privateJwk })))
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' })
    .encrypt(recipient);
  return { publicJwks, signer };
}

export async function loadSnapshot(verifierKey: JWK): Promise<Snapshot> {
  // The version first: data read after it is as new or newer, and the deltas that follow
  // from this version re-apply whole states, so nothing is missed.
  const version = await readEpoch();
  const [accounts, routes, keys] = await Promise.all([accountStates(), loadRouteTable(), keysFor(verifierKey)]);
  return { version: version.toString(), issuer: config.publicUrl, accounts, routes, keys };
}

let lastPrune = 0;
async function pruneChanges(): Promise<void> {
  if (Date.now() - lastPrune < PRUNE_EVERY_MS) return;
  lastPrune = Date.now();
  await (await getPrisma()).$executeRaw`DELETE FROM state_changes WHERE created_at < now() - interval '1 hour'`.catch(
    (err: unknown) => log.warn({ err: (err as Error)?.message }, 'could not prune the state change log'),
  );
}

/** The changes after one version, less the keys (sealed per verifier: see `sealedKeys`). */
export interface SharedDelta {
  delta: Delta;
  keysChanged: boolean;
}

/**
 * The changes after `since`: a delta, null when there is none, or 'reset' when the log no
 * longer covers them (pruned, or a change of unknown extent): the verifier reloads the snapshot.
 */
export async function deltaSince(since: bigint): Promise<SharedDelta | null | 'reset'> {
  void pruneChanges();
  const rows = await (await getPrisma()).$queryRaw<{ version: bigint; entity: string; entity_id: string | null }[]>`
    SELECT version, entity, entity_id FROM state_changes WHERE version > ${since} ORDER BY version, id`;
  if (!rows.length) return (await readEpoch()) < since ? 'reset' : null;
  if (rows[0]!.version !== since + 1n) return 'reset';
  const entries: StateChangeEntry[] = rows.map((r) => ({ entity: r.entity, entityId: r.entity_id }));
  if (entries.some((e) => e.entity === 'all')) return 'reset';
  const version = rows[rows.length - 1]!.version;
  const accountIds = new Set<string>();
  const userIds = new Set<string>();
  let allImpersonating = false;
  let routes = false;
  let keysChanged = false;
  for (const e of entries) {
    if (e.entity === 'service_account' && e.entityId) accountIds.add(e.entityId);
    else if (e.entity === 'directory_user' && e.entityId) userIds.add(e.entityId);
    else if (e.entity === 'directory_group') allImpersonating = true;
    else if (e.entity === 'namespace' || e.entity === 'route' || e.entity === 'policy') routes = true;
    else if (e.entity === 'signing_key') keysChanged = true;
    else return 'reset';
  }
  const delta: Delta = { from: since.toString(), version: version.toString() };
  const [upsert, routeTable] = await Promise.all([
    accountIds.size || userIds.size || allImpersonating
      ? accountStates(
          allImpersonating
            ? 'WHERE sa.id = ANY($1::uuid[]) OR sa.directory_user_id IS NOT NULL'
            : 'WHERE sa.id = ANY($1::uuid[]) OR sa.directory_user_id = ANY($2::text[])',
          allImpersonating ? [[...accountIds]] : [[...accountIds], [...userIds]],
        )
      : null,
    routes ? loadRouteTable() : null,
  ]);
  if (upsert) {
    if (upsert.length > MAX_DELTA_ACCOUNTS) return 'reset';
    const found = new Set(upsert.map((a) => a.id));
    delta.accounts = { upsert, remove: [...accountIds].filter((id) => !found.has(id)) };
  }
  if (routeTable) delta.routes = routeTable;
  return { delta, keysChanged };
}

/** The keys for one verifier, when a delta changed them. */
export const sealedKeys = keysFor;
