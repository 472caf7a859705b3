// SCIM requests as an identity provider sends them, straight to the route handlers (real
// Requests, Next 16's params promise), with a bearer token the test makes.
export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type Handler = (req: Request, ctx?: { params: Promise<{ id: string }> }) => Promise<Response>;
export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: SCIM answers are read field by field, as a client would
  body: any;
}
export interface ScimOptions {
  body?: unknown;
  raw?: BodyInit;
  /** The [id] of the route, for /Users/{id} and /Groups/{id}. */
  id?: string;
  /** The Authorization header; the client's bearer token when undefined, none when null. */
  auth?: string | null;
  headers?: Record<string, string>;
}

/** A PATCH request body. */
export const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

/** A SCIM client that presents `token()` (read at each call, so it may be made in beforeAll). */
export function scimClient(token: () => string) {
  return async (handler: Handler, method: string, path: string, opts: ScimOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { 'content-type': 'application/scim+json', ...opts.headers };
    const auth = opts.auth === undefined ? `Bearer ${token()}` : opts.auth;
    if (auth !== null) headers.authorization = auth;
    const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
    const res = await handler(
      new Request(`http://console.test/scim/v2${path}`, { method, headers, body }),
      opts.id ? { params: Promise.resolve({ id: opts.id }) } : undefined,
    );
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
}
