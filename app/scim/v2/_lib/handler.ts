import 'server-only';
import { authenticateScimToken, type ScimCaller } from '@/lib/dal/scim-tokens';
import { config } from '@/lib/config';
import { requestClientAddress } from '@/lib/net/client-address';
import { log } from '@/lib/log';
import { errorBody, ScimError } from '@/lib/scim/errors';
import { listResponse } from '@/lib/scim/list';

/** Where the IdP reaches this service provider; meta.location and Location use it. */
export const scimBaseUrl = () => `${config.publicUrl}/scim/v2`;

const HEADERS = { 'content-type': 'application/scim+json; charset=utf-8', 'cache-control': 'no-store' };

export function scimJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...HEADERS, ...headers } });
}

/** A ListResponse (RFC 7644 §3.4.2) of these records, each rendered as a resource. */
export const scimList = <R>(
  records: R[],
  total: number,
  startIndex: number,
  render: (r: R, baseUrl: string) => unknown,
) =>
  scimJson(
    200,
    listResponse(
      records.map((r) => render(r, scimBaseUrl())),
      total,
      startIndex,
    ),
  );

/** 201 with the resource just made, and its address in Location. */
export const scimCreated = (resource: { meta: { location: string } }) =>
  scimJson(201, resource, { location: resource.meta.location });

export const noContent = () => new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });

type Handler<P> = (req: Request, caller: ScimCaller, params: P) => Promise<Response>;

/**
 * Every SCIM endpoint: the bearer token is checked before anything is read (a wrong,
 * missing or revoked token gets 401 and changes nothing), expected failures become SCIM
 * errors, and anything else is logged and answered without internals.
 */
export function scimRoute<P extends Record<string, string | string[]> = Record<string, string | string[]>>(
  handler: Handler<P>,
) {
  return async (req: Request, ctx?: { params: Promise<P> }): Promise<Response> => {
    try {
      const caller = await authenticateScimToken(
        req.headers.get('authorization'),
        requestClientAddress((n) => req.headers.get(n)),
      );
      if (!caller) {
        return scimJson(401, errorBody(401, 'A valid SCIM token is required: send Authorization: Bearer <token>.'), {
          'www-authenticate': 'Bearer realm="postern-scim"',
        });
      }
      return await handler(req, caller, ((await ctx?.params) ?? {}) as P);
    } catch (err) {
      if (err instanceof ScimError) return scimJson(err.status, errorBody(err.status, err.detail, err.scimType));
      log.error(
        { err: (err as Error)?.message, method: req.method, path: new URL(req.url).pathname },
        'SCIM request failed',
      );
      return scimJson(500, errorBody(500, 'The request could not be completed. Try again later.'));
    }
  };
}
