import { verifyHandler } from '@/lib/http/verify';
import type { ProxyFamily } from '@/lib/verify/describe';
import { EXT_AUTHZ_PATH_HEADER, PEER_HEADER } from '@/lib/net/request-stamp';

export interface VerifyAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> | null;
}

async function answer(res: Response): Promise<VerifyAnswer> {
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
  };
}

/** The token-only endpoint, /api/v1/verify, as a programmatic caller uses it. */
export async function verify(headers: Record<string, string>, method = 'GET'): Promise<VerifyAnswer> {
  return answer(await verifyHandler('token')(new Request('http://console.test/api/v1/verify', { method, headers })));
}

/**
 * A proxy family's endpoint, called the way that proxy calls it. `path` is appended for
 * ext-authz (Envoy). The request is stamped as the console's server stamps it
 * (lib/net/request-stamp.ts): the socket peer, unless the caller sets one, and Envoy's path.
 */
export async function verifyAs(
  family: ProxyFamily,
  headers: Record<string, string>,
  opts: { method?: string; path?: string } = {},
): Promise<VerifyAnswer> {
  const stamped: Record<string, string> = { [PEER_HEADER]: '127.0.0.1', ...headers };
  if (family === 'ext-authz') stamped[EXT_AUTHZ_PATH_HEADER] = opts.path ?? '/';
  return answer(
    await verifyHandler(family)(
      new Request(`http://console.test/api/v1/verify/${family}`, { method: opts.method ?? 'GET', headers: stamped }),
    ),
  );
}

export const pomerium = (token: string) => ({ authorization: `Pomerium ${token}` });

/** How Traefik and Caddy describe the request to forward-auth: its host, URI and method. */
export const forwardedRequest = (host: string, uri: string, method = 'GET') => ({
  'x-forwarded-host': host,
  'x-forwarded-uri': uri,
  'x-forwarded-method': method,
});
