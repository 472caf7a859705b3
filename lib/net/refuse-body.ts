import type http from 'node:http';
import type { Socket } from 'node:net';

/** How long a refused upload may go on arriving (read and dropped) after the answer. */
const LINGER_MS = 2000;

type LingeringSocket = Socket & { destroySoon?: () => void; __posternRequest?: http.IncomingMessage };

/**
 * When an answer leaves before its request's body has arrived (a body refused as too large),
 * the connection must close without losing the answer. Node.js destroys a socket right after
 * an answer with `Connection: close`, and upload bytes arriving after that reset the
 * connection, which can take the unread answer with it on the client's side. For such a
 * request this socket lingers instead: our side ends (the client sees the answer, then the
 * end, and stops sending), what still arrives is read and dropped, and LINGER_MS later it is
 * cut. A request whose body was read whole closes as usual.
 */
export function lingerOnUnreadBody(req: http.IncomingMessage): void {
  const socket = req.socket as LingeringSocket;
  const first = socket.__posternRequest === undefined;
  socket.__posternRequest = req;
  if (!first || typeof socket.destroySoon !== 'function') return;
  const destroySoon = socket.destroySoon;
  socket.destroySoon = function lingeringClose(this: LingeringSocket) {
    const current = this.__posternRequest;
    if (!current || current.complete) return destroySoon.call(this);
    current.resume();
    this.end();
    setTimeout(() => this.destroy(), LINGER_MS).unref();
  };
}

/**
 * Answers a request whose body is refused unread (413), closing the connection (keeping it
 * alive would read the whole declared body) without losing the answer (above).
 * Framework-free: the console's request hook (lib/net/body-limit.ts) and the verifier use it.
 */
export function refuseBody(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  lingerOnUnreadBody(req);
  req.resume();
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' });
  res.end(body);
}
