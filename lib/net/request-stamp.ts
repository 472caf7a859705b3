import type http from 'node:http';
import { addRequestHook } from './request-hook';

/** The socket peer of the request, stamped by the server (whatever a client sent is replaced). */
export const PEER_HEADER = 'x-postern-peer';
/** Envoy's original path after /api/v1/verify/ext-authz, exactly as it arrived. */
export const EXT_AUTHZ_PATH_HEADER = 'x-postern-ext-authz-path';
export const EXT_AUTHZ_PREFIX = '/api/v1/verify/ext-authz';

/**
 * Two things Next.js hides from route handlers, recovered before it sees the request:
 * - The socket's remote address. Handlers get headers, not the socket, and Next.js fills
 *   X-Forwarded-For from the socket only when the client sent none, so a client-written
 *   X-Forwarded-For cannot be told from the peer (lib/net/client-address.ts needs it).
 * - Envoy ext_authz's raw path. Next.js answers any URL holding `//` or `\` with a 308
 *   redirect and resolves `..` before routing, so the path Envoy appended would be judged
 *   (or bounced) in a form the upstream never sees. The raw suffix moves into a header and
 *   the URL becomes the endpoint's own static path.
 * Every request the process's HTTP servers receive passes here first; both headers are
 * removed from what clients send. Installed once from instrumentation.ts.
 */
export function installRequestStamp(): void {
  addRequestHook('request-stamp', (req) => {
    stamp(req);
    return false;
  });
}

/**
 * Sockets carrying a verifier's change stream. `next start` waits for every connection to
 * end before it exits, and a stream never ends by itself: on shutdown these are destroyed
 * (lib/http/verifier.ts), after the streams were ended cleanly.
 */
export const streamSockets: Set<import('node:net').Socket> = ((
  globalThis as unknown as { __posternStreamSockets?: Set<import('node:net').Socket> }
).__posternStreamSockets ??= new Set());
const STREAM_PATH = '/api/v1/verifier/stream';

export function stamp(req: http.IncomingMessage): void {
  if (req.url?.startsWith(STREAM_PATH) && req.socket && !streamSockets.has(req.socket)) {
    const socket = req.socket;
    streamSockets.add(socket);
    socket.once('close', () => streamSockets.delete(socket));
  }
  delete req.headers[PEER_HEADER];
  delete req.headers[EXT_AUTHZ_PATH_HEADER];
  const peer = req.socket?.remoteAddress;
  if (peer) req.headers[PEER_HEADER] = peer;
  const url = req.url ?? '';
  if (url.startsWith(EXT_AUTHZ_PREFIX) && url.charCodeAt(EXT_AUTHZ_PREFIX.length) === 47 /* '/' */) {
    req.headers[EXT_AUTHZ_PATH_HEADER] = url.slice(EXT_AUTHZ_PREFIX.length);
    req.url = EXT_AUTHZ_PREFIX;
  }
}
