import 'server-only';
import type { Actor } from '@/lib/dal/actor';
import { authenticateApiCaller } from '@/lib/dal/api-callers';
import { requestClientAddress } from '@/lib/net/client-address';
import { problemFromError, problemResponse } from '@/lib/api/problem';
import { notFound } from '@/lib/dal/errors';

// The REST API's one wrapper (app/api/v1/**/route.ts stay thin):
//   export const GET = apiRoute(async ({ actor, url }) => json(await listSomething(actor, …)));
// The caller is authenticated before the handler runs (an API key or a service account's
// JWT, never a session cookie: the API has no CSRF surface); permissions are the DAL's.
// Expected failures become problem+json; anything else is logged and answered 500.

export interface ApiContext<P> {
  req: Request;
  url: URL;
  actor: Actor;
  params: P;
}

type RouteContext<P> = { params: Promise<P> };

export function apiRoute<P extends Record<string, string> = Record<string, never>>(
  handler: (ctx: ApiContext<P>) => Promise<Response>,
) {
  return async (req: Request, ctx: RouteContext<P>): Promise<Response> => {
    const url = new URL(req.url);
    let actor: Actor | null = null;
    try {
      const address = requestClientAddress((n) => req.headers.get(n));
      const caller = await authenticateApiCaller(req.headers.get('authorization'), address);
      if (!caller.ok) {
        if (caller.status === 429)
          return problemResponse('throttled', 'Too many failed attempts from this address. Wait and try again.', {
            headers: { 'retry-after': String(Math.ceil(caller.retryAfterMs / 1000)) },
          });
        if (caller.status === 503)
          return problemResponse('unavailable', caller.detail, { headers: { 'retry-after': '5' } });
        return problemResponse(caller.status === 403 ? 'forbidden' : 'unauthorized', caller.detail);
      }
      actor = caller.actor;
      return await handler({ req, url, actor, params: ((await ctx?.params) ?? {}) as P });
    } catch (err) {
      return problemFromError(err, {
        method: req.method,
        path: url.pathname,
        actor: actor ? (actor.serviceAccount ? `service-account:${actor.serviceAccount.userId}` : actor.userId) : null,
      });
    }
  };
}

/** A public endpoint of the API (the OpenAPI document): errors as problem+json, no caller. */
export function publicApiRoute(handler: (ctx: { req: Request; url: URL }) => Promise<Response>) {
  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    try {
      return await handler({ req, url });
    } catch (err) {
      return problemFromError(err, { method: req.method, path: url.pathname });
    }
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path's uuid, or 404 for anything else (no such resource can exist). */
export function uuidParam(id: string, what: string): string {
  if (!UUID.test(id)) throw notFound(what);
  return id.toLowerCase();
}

/** A namespace id from the path ("global" or a generated id). */
export function namespaceParam(id: string): string {
  if (!id || id.length > 64) throw notFound('The namespace');
  return id;
}
