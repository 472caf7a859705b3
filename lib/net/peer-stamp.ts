import http from 'node:http';
import { PEER_HEADER } from './client-address';

/**
 * Next.js hands route handlers, server actions and next-auth the request headers but not
 * the socket, and fills X-Forwarded-For from the socket only when the client sent none,
 * so a client-written X-Forwarded-For cannot be told from the peer. This stamps the
 * socket's remote address on every request the process's HTTP servers receive, before
 * Next.js sees it, replacing anything a client sent under the same name. Installed once
 * from instrumentation.ts; lib/net/client-address.ts treats a missing stamp as "unknown".
 */
export function installPeerStamp(): void {
  const slot = globalThis as unknown as { __posternPeerStamp?: boolean };
  if (slot.__posternPeerStamp) return;
  slot.__posternPeerStamp = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === 'request') {
      const req = args[0] as http.IncomingMessage;
      const peer = req.socket?.remoteAddress;
      if (peer) req.headers[PEER_HEADER] = peer;
      else delete req.headers[PEER_HEADER];
    }
    return (emit as (this: http.Server, e: string | symbol, ...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof emit;
}
