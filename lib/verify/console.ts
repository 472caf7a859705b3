import 'server-only';
// The console's verify engine: the same engine the verifier runs, reading the database
// (lib/dal/verify-store.ts) and kept fresh by LISTEN/NOTIFY (on PostgreSQL) with the
// epoch poll as the fallback. The only file in lib/verify that knows the database.
import { config } from '@/lib/config';
import { log } from '@/lib/log';
import * as store from '@/lib/dal/verify-store';
import { loadPublicJwks } from '@/lib/dal/signing-keys';
import { EpochPoll, VerifyEngine, type EngineOptions } from '@/lib/verify/engine';
import { changed, onChange } from '@/lib/verify/invalidate';
import { toJwks } from '@/lib/tokens';
import { getDatabase } from '@/lib/db';
import { STATE_CHANNEL } from '@/lib/dal/epoch';
import type { ChangeScope } from '@/lib/verify/types';

const CHANGE_SCOPES: ReadonlySet<string> = new Set<ChangeScope>(['accounts', 'routes', 'keys', 'all']);

const slot = globalThis as unknown as {
  __posternVerify?: VerifyEngine;
  __posternEpochPoll?: EpochPoll;
  __posternLocalVersions?: Set<bigint>;
  __posternStopListen?: () => void;
};

export const epochPoll = (slot.__posternEpochPoll ??= new EpochPoll(
  store.readEpoch,
  () => changed(),
  log,
  1000,
  config.verifyMaxStalenessMs,
));

/**
 * Versions this instance committed itself: their caches were dropped at commit, so neither
 * the epoch poll nor their own NOTIFY clears again (a full clear after every local commit
 * would rebuild the route table and re-verify every token for nothing).
 */
const localVersions: Set<bigint> = slot.__posternLocalVersions ?? new Set();
if (!slot.__posternLocalVersions) {
  slot.__posternLocalVersions = localVersions;
  onChange((_, version) => {
    if (version === undefined || localVersions.has(version)) return;
    localVersions.add(version);
    if (localVersions.size > 1_000) localVersions.delete(localVersions.values().next().value!);
    epochPoll.seen(version);
  });
}

export const consoleEngineOptions: EngineOptions = {
  store,
  freshness: epochPoll,
  issuer: () => config.publicUrl,
  audience: config.tokenAudience,
  log,
  externalTokens: { allowHttpLocalhost: config.federationAllowHttpLocalhost },
};

export const verifyEngine = (slot.__posternVerify ??= new VerifyEngine(consoleEngineOptions));

/** The JWKS document; makes the first signing key if none exists yet, so it is never empty. */
export async function publicJwks() {
  await verifyEngine.activeSigner();
  return toJwks(await loadPublicJwks());
}

/**
 * Follows other console instances' commits through LISTEN/NOTIFY (PostgreSQL): their
 * changes reach this instance's caches and its verifiers' streams within milliseconds.
 * The epoch poll stays as the fallback. Payload: `<version>:<scope>,…` (lib/dal/epoch.ts).
 */
export async function followOtherInstances(): Promise<void> {
  const db = await getDatabase();
  slot.__posternStopListen?.();
  slot.__posternStopListen = db.listen?.(STATE_CHANNEL, (payload) => {
    const [version, scopes] = payload.split(':');
    if (!version || !/^\d+$/.test(version)) return;
    const v = BigInt(version);
    if (localVersions.has(v)) return; // our own commit: already applied
    const list = (scopes ?? '').split(',').filter((x): x is ChangeScope => CHANGE_SCOPES.has(x));
    changed(list.length ? list : ['all']);
    epochPoll.seen(v);
  });
}

/** Shutdown: stops following other instances (LISTEN and the epoch poll) before the database closes. */
export function stopFollowing(): void {
  slot.__posternStopListen?.();
  slot.__posternStopListen = undefined;
  epochPoll.stop();
}
