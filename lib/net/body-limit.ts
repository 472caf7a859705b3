import { verifyBodyRefusal } from '@/lib/verify/core';
import { AUTH_BODY_LIMIT, SERVER_ACTION_BODY_LIMIT } from './limits';
import { lingerOnUnreadBody, refuseBody } from './refuse-body';
import { addRequestHook } from './request-hook';

/**
 * Bodies refused on their declared length before Next.js sees the request:
 * - server actions over SERVER_ACTION_BODY_LIMIT. Next.js enforces the limit while reading,
 *   but answers an oversize action with a 500 (an RSC error payload) after taking in up to
 *   the limit; this answers 413 at once;
 * - the verify endpoints over MAX_VERIFY_BODY_BYTES (they read no body; lib/verify/core.ts);
 * - next-auth's endpoints (sign-in, sign-out) over AUTH_BODY_LIMIT, or without a length
 *   (411): next-auth reads the body whole.
 * The rest of the upload is dropped, not received (lib/net/refuse-body.ts). A body sent
 * without a length meets the limits of the code that reads it; whatever refuses a body
 * unread, the connection lingers so the answer is not lost. Installed once from
 * instrumentation.ts.
 */
export function installBodyLimits(): void {
  addRequestHook('body-limit', (req, res) => {
    const declared = req.headers['content-length'];
    // Route handlers refuse bodies over their limits unread too (lib/http/body.ts).
    if (declared !== undefined || req.headers['transfer-encoding'] !== undefined) lingerOnUnreadBody(req);
    if (req.url?.startsWith('/api/auth/') && req.method !== 'GET' && req.method !== 'HEAD') {
      // next-auth reads a body whole: it gets one of a known, small size or none.
      const text = (status: number, message: string) =>
        refuseBody(
          req,
          res,
          status,
          { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
          message,
        );
      if (declared === undefined && req.headers['transfer-encoding'] !== undefined) {
        text(411, 'Send the form with a Content-Length.\n');
        return true;
      }
      if (declared !== undefined && Number(declared) > AUTH_BODY_LIMIT) {
        text(413, `The request body is larger than ${AUTH_BODY_LIMIT / 1024} KB.\n`);
        return true;
      }
      return false;
    }
    if (declared === undefined) return false;
    if (req.url?.startsWith('/api/v1/verify')) {
      const refusal = verifyBodyRefusal(declared, req.method === 'HEAD');
      if (!refusal) return false;
      refuseBody(req, res, refusal.status, refusal.headers, refusal.body ?? '');
      return true;
    }
    if (req.method !== 'POST' || req.headers['next-action'] === undefined) return false;
    if (Number(declared) <= SERVER_ACTION_BODY_LIMIT) return false;
    refuseBody(
      req,
      res,
      413,
      { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      `The request body is larger than ${SERVER_ACTION_BODY_LIMIT / (1024 * 1024)} MB.\n`,
    );
    return true;
  });
}
