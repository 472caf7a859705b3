import { addRequestHook } from '@/lib/net/request-hook';
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
  let inFlight = 0;
  const busy = JSON.stringify({ url: `${publicUrl}/api/auth/error?error=busy` });
  addRequestHook('sign-in-gate', (req, res) => {
    if (req.method !== 'POST' || !(req.url === SIGN_IN_PATH || req.url?.startsWith(`${SIGN_IN_PATH}?`))) return false;
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
    return false;
  });
}
