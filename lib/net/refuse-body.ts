import type http from 'node:http';

/** How long a refused upload may go on arriving (read and dropped) after the answer. */
const LINGER_MS = 2000;

/**
 * Answers a request whose body is refused unread (413) without taking the body in, and
 * without losing the answer: what keeps arriving is read and dropped, never kept; after the
 * answer the server ends its side of the connection and the client, seeing it, stops
 * sending; at most LINGER_MS later the connection is cut. (Closing at once, with upload
 * bytes unread, would reset the connection and the client might never read the answer;
 * keeping it alive would read the whole declared body.) Framework-free: the console's
 * request hook (lib/net/body-limit.ts) and the verifier use it.
 */
export function refuseBody(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  req.resume();
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
  res.once('finish', () => {
    const socket = req.socket;
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  });
}
