// The verifier's HTTP server: node:http, no framework. It serves the verify endpoints
// through the same decision core as the console (lib/verify/core.ts), the JWKS, and
// /healthz (alive) and /readyz (deciding: a snapshot and word from the console within
// VERIFIER_MAX_STALENESS).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientAddress } from '@/lib/net/client-address';
import { rawHeader } from '@/lib/net/raw-headers';
import { refuseBody } from '@/lib/net/refuse-body';
import {
  json,
  jwksAnswer,
  unavailable,
  unknownEndpoint,
  verifyBodyRefusal,
  verifyEndpointOf,
  verifyRequest,
  type VerifyOutput,
} from '@/lib/verify/core';
import type { VerifyEngine } from '@/lib/verify/engine';
import type { EngineLog } from '@/lib/verify/types';
import type { Replica } from '@/lib/verifier/replica';

export interface ServerOptions {
  engine: VerifyEngine;
  replica: Replica;
  /** TRUSTED_PROXY_HOPS, as the console reads it. */
  hops: number;
  log: EngineLog;
  /** True once the verifier is shutting down: /readyz answers 503 so balancers stop sending. */
  draining?: () => boolean;
}

const JWKS_PATH = '/.well-known/pomerium/jwks.json';

function send(res: ServerResponse, out: VerifyOutput): void {
  // A length instead of chunked framing: the whole answer leaves in one write.
  if (out.body !== null) res.setHeader('content-length', Buffer.byteLength(out.body));
  res.writeHead(out.status, out.headers);
  res.end(out.body ?? undefined);
}

export function verifierHandler(o: ServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = req.url ?? '/';
    const head = req.method === 'HEAD';
    const ep = verifyEndpointOf(url);
    if (ep) {
      if (ep.endpoint === 'unknown') return send(res, unknownEndpoint(head));
      const raw = req.rawHeaders;
      const oversize = verifyBodyRefusal(rawHeader(raw, 'content-length'), head);
      if (oversize) return refuseBody(req, res, oversize.status, oversize.headers, oversize.body ?? '');
      const get = (name: string): string | null => rawHeader(raw, name);
      // The console runs behind Next.js, which fills X-Forwarded-For and -Host when a
      // request has none (the socket peer, the Host header); the verifier does the same,
      // so both judge the same request alike.
      const peer = req.socket.remoteAddress ?? null;
      const xff = get('x-forwarded-for') ?? peer;
      const withDefaults = (name: string) =>
        name === 'x-forwarded-host' ? (get(name) ?? get('host')) : name === 'x-forwarded-for' ? xff : get(name);
      verifyRequest(
        o.engine,
        {
          endpoint: ep.endpoint,
          method: req.method ?? 'GET',
          get: withDefaults,
          suffix: ep.endpoint === 'ext-authz' ? ep.suffix : null,
          clientAddress: clientAddress(xff, peer, o.hops),
        },
        o.log,
      ).then(
        (out) => send(res, out),
        () => send(res, unavailable(head)),
      );
      return;
    }
    const path = url.split('?', 1)[0];
    if (path === '/healthz') return send(res, json(200, { status: 'ok' }, head));
    if (path === '/readyz') {
      const reason = o.draining?.() ? 'shutting_down' : o.replica.notReadyReason();
      return reason
        ? send(res, json(503, { status: 'not_ready', reason }, head))
        : send(res, json(200, { status: 'ready', version: o.replica.version?.toString() }, head));
    }
    if (path === JWKS_PATH) {
      const body = o.replica.jwks();
      return send(res, body ? jwksAnswer(body, rawHeader(req.rawHeaders, 'if-none-match'), head) : unavailable(head));
    }
    send(res, json(404, { error: 'not_found' }, head));
  };
}
