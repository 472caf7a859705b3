// The wire format between the console and its verifiers (framework-free, shared by both).
//
//   GET  /api/v1/verifier/snapshot            → Snapshot as NDJSON: SnapshotHead on the first
//                                               line, then one AccountState per line
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

/**
 * The first line of the snapshot on the wire; `accounts` is how many account lines follow.
 * Line by line, a verifier never holds the whole text or a parsed copy of it: with 100,000
 * accounts that transient peak (~60 MB) was most of its memory.
 */
export type SnapshotHead = Omit<Snapshot, 'accounts'> & { accounts: number };

export const SNAPSHOT_CONTENT_TYPE = 'application/x-ndjson';

/**
 * Reads a snapshot as it arrives: the head first, then each account. Rejects on a
 * truncated or malformed body, so a half-read snapshot is never applied.
 */
export async function readSnapshot(
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onHead: (head: SnapshotHead) => void,
  onAccount: (account: AccountState) => void,
): Promise<SnapshotHead> {
  const decoder = new TextDecoder();
  let head: SnapshotHead | null = null;
  let count = 0;
  let rest = '';
  // Whole lines at a time: one JSON.parse per chunk (an array of its lines, which JSON
  // text cannot break) instead of one per account.
  const lines = (text: string) => {
    if (!head) {
      const nl = text.indexOf('\n');
      head = JSON.parse(nl === -1 ? text : text.slice(0, nl)) as SnapshotHead;
      if (typeof head.accounts !== 'number') throw new Error('snapshot: the first line is not a snapshot head');
      onHead(head);
      if (nl === -1) return;
      text = text.slice(nl + 1);
    }
    if (!text) return;
    const batch = JSON.parse(`[${text.replaceAll('\n', ',')}]`) as AccountState[];
    for (const a of batch) onAccount(a);
    count += batch.length;
  };
  for await (const chunk of body) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const last = text.lastIndexOf('\n');
    if (last === -1) {
      rest = text;
      continue;
    }
    lines(text.slice(0, last));
    rest = text.slice(last + 1);
  }
  rest += decoder.decode();
  if (rest) lines(rest);
  const h = head as SnapshotHead | null;
  if (!h) throw new Error('snapshot: empty');
  if (count !== h.accounts) throw new Error(`snapshot: ${count} of ${h.accounts} accounts arrived`);
  return h;
}

/** A whole snapshot from its wire text (tests, tools). */
export async function parseSnapshot(text: string): Promise<Snapshot> {
  const accounts: AccountState[] = [];
  const head = await readSnapshot(
    [new TextEncoder().encode(text)],
    () => {},
    (a) => accounts.push(a),
  );
  return { ...head, accounts };
}

/** Whole current states of what changed between `from` and `version`. */
export interface Delta {
  from: string;
  version: string;
  accounts?: { upsert: AccountState[]; remove: string[] };
  routes?: RouteTableData;
  keys?: KeysPayload;
}
