import type http from 'node:http';

/**
 * Stops `server` accepting connections and lets the requests in progress finish: idle
 * keep-alive connections are closed at once and again every `pollMs` (a connection whose
 * request finishes becomes idle), and whatever is still open after `timeoutMs` is cut.
 * Resolves true when every connection ended in time, false when some were cut.
 * Framework-free: the console's shutdown (lib/shutdown.ts) and the verifier both use it.
 */
export function drainServer(server: http.Server, timeoutMs: number, pollMs = 50): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (drained: boolean) => {
      if (done) return;
      done = true;
      clearInterval(tick);
      clearTimeout(deadline);
      resolve(drained);
    };
    // The callback runs once the last connection has ended (with an error when the server
    // was not listening: then there is nothing to wait for either).
    server.close(() => finish(true));
    server.closeIdleConnections();
    const tick = setInterval(() => server.closeIdleConnections(), pollMs);
    const deadline = setTimeout(() => {
      server.closeAllConnections();
      finish(false);
    }, timeoutMs);
  });
}
