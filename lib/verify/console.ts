import 'server-only';
// The console's verify engine: the same engine the verifier runs, reading the database
// (lib/dal/verify-store.ts) and kept fresh by LISTEN/NOTIFY (on PostgreSQL) with the
// epoch poll as the fallback. The only file in lib/verify that knows the database.
import { config } from '@/lib/config';
import { log } from '@/lib/log';
import * as store from '@/lib/dal/verify-store';
import { loadPublicJwks } from '@/lib/dal/signing-keys';
import { EpochPoll, VerifyEngine, type EngineOptions } from '@/lib/verify/engine';
import { changed } from '@/lib/verify/invalidate';
import { toJwks } from '@/lib/tokens';

const slot = globalThis as unknown as { __posternVerify?: VerifyEngine; __posternEpochPoll?: EpochPoll };

export const epochPoll = (slot.__posternEpochPoll ??= new EpochPoll(store.readEpoch, () => changed(), log));

export const consoleEngineOptions: EngineOptions = {
  store,
  freshness: epochPoll,
  issuer: config.publicUrl,
  audience: config.tokenAudience,
  log,
};

export const verifyEngine = (slot.__posternVerify ??= new VerifyEngine(consoleEngineOptions));

/** The JWKS document; makes the first signing key if none exists yet, so it is never empty. */
export async function publicJwks() {
  await verifyEngine.activeSigner();
  return toJwks(await loadPublicJwks());
}
