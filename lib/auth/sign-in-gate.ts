import http from 'node:http';
import { PASSWORD_CHECK_CONCURRENCY } from './password-gate';

/** Password sign-ins one process handles at once; more are refused before Next.js parses them. */
export const SIGN_IN_IN_FLIGHT = 2 * PASSWORD_CHECK_CONCURRENCY;

const SIGN_IN_PATH = '/api/auth/callback/credentials';

/**
 * A flood of password sign-ins must not starve the verify path of the event loop: each one
 * Next.js and next-auth handle costs a few milliseconds before the password-check cap is even
 * reached. This refuses password sign-ins beyond `SIGN_IN_IN_FLIGHT` in flight with 429 and
 * Retry-After as soon as the HTTP server receives them, at the cost of a few microseconds.
 * The body is what next-auth's client expects, so the sign-in form says "busy, try again".
 * Installed once from instrumentation.ts.
 */
export function installSignInGate(publicUrl: string): void {
  const slot = globalThis as unknown as { __posternSignInGate?: boolean };
  if (slot.__posternSignInGate) return;
  slot.__posternSignInGate = true;
  let inFlight = 0;
  const busy = JSON.stringify({ url: `${publicUrl}/api/auth/error?error=busy` });
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === 'request') {
      const req = args[0] as http.IncomingMessage;
      const res = args[1] as http.ServerResponse;
      if (req.method === 'POST' && (req.url === SIGN_IN_PATH || req.url?.startsWith(`${SIGN_IN_PATH}?`))) {
        if (inFlight >= SIGN_IN_IN_FLIGHT) {
          req.resume();
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1', 'cache-control': 'no-store' });
          res.end(busy);
          return true;
        }
        inFlight++;
        let done = false;
        const release = () => {
          if (!done) {
            done = true;
            inFlight--;
          }
        };
        res.once('finish', release);
        res.once('close', release);
      }
    }
    return (emit as (this: http.Server, e: string | symbol, ...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof emit;
}
