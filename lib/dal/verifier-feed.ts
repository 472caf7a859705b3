import 'server-only';
// What a verifier follows (lib/verifier/sync.ts): a snapshot of everything a decision
// needs, then deltas keyed by the state version. Deltas carry whole current states (an
// account, the route table, the keys), never edits, so applying one twice or over newer
// data is harmless; that is what lets a snapshot be read without a long transaction.
import { CompactEncrypt, importJWK, type JWK } from 'jose';
import { getPrisma } from '@/lib/db';
import { ACCOUNT_JSON, ACCOUNTS_FROM, loadRouteTable, readEpoch } from '@/lib/dal/verify-store';
import { loadActiveSignerJwk, loadPublicJwks } from '@/lib/dal/signing-keys';
import type { AccountState } from '@/lib/verify/types';
import type { Delta, KeysPayload } from '@/lib/verifier/protocol';
import { log } from '@/lib/log';
import { config } from '@/lib/config';

/** More changed accounts than this in one delta: the verifier reloads the snapshot instead. */
const MAX_DELTA_ACCOUNTS = 5_000;
const PRUNE_EVERY_MS = 10 * 60_000;

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

// The snapshot's accounts as JSON lines built by the database: for 100,000 accounts this is
// several times faster than rows turned into objects and serialised again (ACCOUNT_JSON
// states what an account is to the verify path; JSON text holds no raw newline).
const ACCOUNTS_JSON_SQL = `SELECT count(*)::int AS count, COALESCE(string_agg(${ACCOUNT_JSON}::text, E'\n'), '') AS accounts
  FROM ${ACCOUNTS_FROM}`;

/**
 * The changes after $1 and the current state of every account they touched: accounts by id,
 * accounts impersonating a changed directory user, and every impersonating account when a
 * directory group changed (a group's members carry its name). Written as a set of ids so
 * each part uses an index: with 100,000 accounts an OR of the three scanned them all.
 */
const DELTA_SQL = `WITH ch AS (SELECT id, version, entity, entity_id FROM state_changes WHERE version > $1)
  SELECT (SELECT version::text FROM cache_epoch WHERE id = 1) AS epoch,
    (SELECT json_agg(json_build_object('version', version::text, 'entity', entity, 'entity_id', entity_id)
            ORDER BY version, id) FROM ch)::text AS changes,
    (SELECT json_agg(${ACCOUNT_JSON}) FROM ${ACCOUNTS_FROM}
      WHERE sa.id IN (
        SELECT entity_id::uuid FROM ch WHERE entity = 'service_account'
        UNION SELECT a.id FROM service_accounts a
          WHERE a.directory_user_id IN (SELECT entity_id FROM ch WHERE entity = 'directory_user')
        UNION SELECT a.id FROM service_accounts a
          WHERE a.directory_user_id IS NOT NULL AND EXISTS (SELECT 1 FROM ch WHERE entity = 'directory_group')))::text
      AS accounts`;

interface SharedSnapshot {
  head: string;
  count: number;
  accounts: string;
}
/** The shared part of the latest snapshot (all but the sealed keys), reused while the state version stands. */
let shared: { version: bigint; text: Promise<SharedSnapshot> } | null = null;

/**
 * The snapshot as its wire text (lib/verifier/protocol.ts: NDJSON, SnapshotHead then one
 * account per line). The version is read first:
 * data read after it is as new or newer, and the deltas that follow from this version
 * re-apply whole states, so nothing is missed.
 */
export async function loadSnapshotText(verifierKey: JWK): Promise<{ version: bigint; text: string }> {
  const version = await readEpoch();
  if (!shared || shared.version !== version) {
    const text = (async () => {
      const prisma = await getPrisma();
      const [[row], routes] = await Promise.all([
        prisma.$queryRawUnsafe<{ count: number; accounts: string }[]>(ACCOUNTS_JSON_SQL),
        loadRouteTable(),
      ]);
      return {
        head: `"version":${JSON.stringify(version.toString())},"issuer":${JSON.stringify(config.publicUrl)},"routes":${JSON.stringify(routes)}`,
        count: row!.count,
        accounts: row!.accounts,
      };
    })();
    shared = { version, text };
    text.catch(() => {
      if (shared?.text === text) shared = null;
    });
  }
  const [part, keys] = await Promise.all([shared.text, keysFor(verifierKey)]);
  const head = `{${part.head},"keys":${JSON.stringify(keys)},"accounts":${part.count}}`;
  return { version, text: part.count ? `${head}\n${part.accounts}\n` : `${head}\n` };
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
  // One round trip for the common case: the changes and the accounts they touched.
  const [row] = await (await getPrisma()).$queryRawUnsafe<
    { epoch: string | null; changes: string | null; accounts: string | null }[]
  >(DELTA_SQL, since);
  const rows = JSON.parse(row?.changes ?? '[]') as { version: string; entity: string; entity_id: string | null }[];
  // One statement, one view of the data: the log must run from since + 1 to the epoch
  // without a gap (every version writes at least one row); anything else was pruned or
  // belongs to another database: reload.
  const epoch = BigInt(row?.epoch ?? '0');
  if (!rows.length) return epoch === since ? null : 'reset';
  const version = BigInt(rows[rows.length - 1]!.version);
  if (BigInt(rows[0]!.version) !== since + 1n || version !== epoch) return 'reset';
  const accountIds = new Set<string>();
  let accountsChanged = false;
  let routes = false;
  let keysChanged = false;
  for (const e of rows) {
    if (e.entity === 'service_account' && e.entity_id) {
      accountIds.add(e.entity_id);
      accountsChanged = true;
    } else if (e.entity === 'directory_user' || e.entity === 'directory_group') accountsChanged = true;
    else if (e.entity === 'namespace' || e.entity === 'route' || e.entity === 'policy') routes = true;
    else if (e.entity === 'signing_key') keysChanged = true;
    // Verifiers take no external tokens (Replica.loadFederation): nothing of theirs changed.
    else if (e.entity === 'trusted_issuer' || e.entity === 'trust_rule') continue;
    else return 'reset'; // 'all', or a change of unknown extent
  }
  const delta: Delta = { from: since.toString(), version: version.toString() };
  if (accountsChanged) {
    const upsert = JSON.parse(row?.accounts ?? '[]') as AccountState[];
    if (upsert.length > MAX_DELTA_ACCOUNTS) return 'reset';
    const found = new Set(upsert.map((a) => a.id));
    delta.accounts = { upsert, remove: [...accountIds].filter((id) => !found.has(id)) };
  }
  if (routes) delta.routes = await loadRouteTable();
  return { delta, keysChanged };
}

/** The keys for one verifier, when a delta changed them. */
export const sealedKeys = keysFor;
