import 'server-only';
// The console's side of the verifier protocol (lib/verifier/protocol.ts): who may call it
// and the change stream. The data comes from lib/dal/verifier-feed.ts.
import type { JWK } from 'jose';
import { AppError } from '@/lib/dal/errors';
import { authenticateVerifier, recordVerifierContact, verifierActive, type VerifierCaller } from '@/lib/dal/verifiers';
import { deltaSince, sealedKeys, type SharedDelta } from '@/lib/dal/verifier-feed';
import { requestClientAddress } from '@/lib/net/client-address';
import { problem } from '@/lib/http/errors';
import { HEARTBEAT_MS, VERIFIER_KEY_HEADER } from '@/lib/verifier/protocol';
import { onChange } from '@/lib/verify/invalidate';
import { log } from '@/lib/log';

export interface VerifierRequest {
  caller: VerifierCaller;
  address: string | null;
  /** The verifier's ephemeral ECDH public key (required on snapshot and stream). */
  key: JWK | null;
}

function verifierKey(raw: string | null): JWK | null {
  if (!raw || raw.length > 1024) return null;
  try {
    const jwk = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as JWK;
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string' || 'd' in jwk)
      return null;
    return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  } catch {
    return null;
  }
}

/** A route handler for verifiers only: a valid, unrevoked verifier credential or 401. */
export function verifierRoute(
  route: string,
  handler: (req: Request, v: VerifierRequest) => Promise<Response>,
  opts: { needsKey: boolean },
): (req: Request) => Promise<Response> {
  return async (req) => {
    try {
      const caller = await authenticateVerifier(req.headers.get('authorization'));
      if (!caller)
        throw new AppError('unauthorized', 'A valid verifier credential is required (Authorization: Bearer …).');
      const key = verifierKey(req.headers.get(VERIFIER_KEY_HEADER));
      if (opts.needsKey && !key)
        throw new AppError(
          'invalid',
          `${VERIFIER_KEY_HEADER} must carry the verifier's P-256 public key (base64url JWK).`,
        );
      return await handler(req, { caller, key, address: requestClientAddress((n) => req.headers.get(n)) });
    } catch (err) {
      return problem(err, { route });
    }
  };
}

const encoder = new TextEncoder();

/**
 * Streams woken by the same change share one read of it: the wake count is part of the
 * key, so a stream woken later never joins a read that began before its change committed.
 */
let wakes = 0;
const reads = new Map<string, Promise<SharedDelta | null | 'reset'>>();
function sharedDeltaSince(since: bigint): Promise<SharedDelta | null | 'reset'> {
  const key = `${since}:${wakes}`;
  let p = reads.get(key);
  if (!p) {
    p = deltaSince(since);
    reads.set(key, p);
    const forget = () => reads.delete(key);
    p.then(forget, forget);
  }
  return p;
}

/** Open streams, ended when the console shuts down (an open stream would hold `next start` up forever). */
const slot = globalThis as unknown as { __posternStreams?: Set<() => void> };
function openStreams(): Set<() => void> {
  if (!slot.__posternStreams) {
    const streams = new Set<() => void>();
    slot.__posternStreams = streams;
    const closeAll = () => {
      for (const close of streams) close();
    };
    process.once('SIGTERM', closeAll);
    process.once('SIGINT', closeAll);
    onChange(() => {
      wakes++;
    });
  }
  return slot.__posternStreams;
}

export function changeStream(req: Request, v: VerifierRequest, since: bigint): Response {
  let cur = since;
  let running = false;
  let again = false;
  let closed = false;
  const cleanups: (() => void)[] = [];
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const streams = openStreams();
      const close = () => {
        if (closed) return;
        closed = true;
        streams.delete(close);
        for (const c of cleanups) c();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      const send = (event: string, data: unknown) => {
        if (!closed) controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      };
      const pump = async () => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          do {
            again = false;
            const d = await sharedDeltaSince(cur);
            if (d === 'reset') {
              send('reset', { version: cur.toString() });
              close();
              return;
            }
            if (d) {
              send('change', d.keysChanged ? { ...d.delta, keys: await sealedKeys(v.key!) } : d.delta);
              cur = BigInt(d.delta.version);
            }
          } while (again && !closed);
        } catch (err) {
          log.warn({ err: (err as Error)?.message, verifier: v.caller.name }, 'change stream failed; closing it');
          close();
        } finally {
          running = false;
        }
      };
      streams.add(close);
      cleanups.push(() => streams.delete(close));
      cleanups.push(onChange(() => void pump()));
      const beat = setInterval(() => {
        void (async () => {
          if (!(await verifierActive(v.caller).catch(() => false))) return close();
          send('heartbeat', { version: cur.toString() });
          void recordVerifierContact(v.caller, cur, v.address);
          void pump();
        })();
      }, HEARTBEAT_MS);
      cleanups.push(() => clearInterval(beat));
      req.signal.addEventListener('abort', close);
      send('heartbeat', { version: cur.toString() });
      void recordVerifierContact(v.caller, cur, v.address, true);
      void pump();
    },
    cancel() {
      closed = true;
      for (const c of cleanups) c();
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform keeps compression (and its buffering) off the stream.
      'cache-control': 'no-store, no-transform',
      'x-accel-buffering': 'no',
    },
  });
}
