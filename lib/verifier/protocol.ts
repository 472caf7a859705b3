// The wire format between the console and its verifiers (framework-free, shared by both).
//
//   GET  /api/v1/verifier/snapshot            → Snapshot
//   GET  /api/v1/verifier/stream?since=<v>    → text/event-stream of `change` (Delta),
//                                               `reset` ({version}) and `heartbeat` ({version})
//   POST /api/v1/verifier/accessed            ← { ids: string[], usage?: UsageRecord[] } (lib/verify/usage.ts)
//
// Every request carries `Authorization: Bearer <verifier credential>`; the snapshot and the
// stream also carry VERIFIER_KEY_HEADER, the verifier's ephemeral ECDH public key (a JWK,
// base64url JSON), to which the signing key is sealed.
import type { JWK } from 'jose';
import type { AccountState, RouteTableData } from '@/lib/verify/types';

export const VERIFIER_KEY_HEADER = 'x-postern-verifier-key';
export const VERIFIER_VERSION_HEADER = 'x-postern-state-version';
/** How often an idle stream says it is alive; a verifier hears from the console at least this often. */
export const HEARTBEAT_MS = 2_000;

export interface KeysPayload {
  /** Public keys of every key that still verifies. */
  publicJwks: JWK[];
  /** `{ kid, privateJwk }` of the active key, as a compact JWE (ECDH-ES, A256GCM) to the verifier's key. */
  signer: string;
}

export interface Snapshot {
  version: string;
  /** The console's public URL: the `iss` of the assertions the verifier signs. */
  issuer: string;
  accounts: AccountState[];
  routes: RouteTableData;
  keys: KeysPayload;
}

/** Whole current states of what changed between `from` and `version`. */
export interface Delta {
  from: string;
  version: string;
  accounts?: { upsert: AccountState[]; remove: string[] };
  routes?: RouteTableData;
  keys?: KeysPayload;
}
