// What request the proxy is asking about. Each proxy family has its own endpoint and
// only that family's headers are read there: a header another proxy would set is one
// the client may have written, since most proxies pass client headers to the auth call.
import { canonicalPath } from '@/lib/net/canonical-path';
import { MemoGate } from '@/lib/verify/memo-gate';

export type ProxyFamily = 'forward-auth' | 'auth-request' | 'ext-authz';

/** The request being authorized, in canonical form. */
export interface DescribedRequest {
  host: string;
  path: string;
  method: string;
  sourceIp: string | null;
  /**
   * The client certificate as this family's proxy forwards it (raw header value, not yet
   * parsed: see client-cert.ts); absent when none was forwarded.
   */
  clientCert?: { family: ProxyFamily; header: string };
}

/**
 * The one header each family's proxy puts the client certificate in, set by the proxy
 * itself so that a client cannot supply it (see the README's configurations):
 * Traefik passTLSClientCert (pem) on forward-auth, nginx `$ssl_client_escaped_cert` on
 * auth-request, Envoy's x-forwarded-client-cert (SANITIZE_SET) on ext-authz.
 */
export const CLIENT_CERT_HEADER: Record<ProxyFamily, string> = {
  'forward-auth': 'x-forwarded-tls-client-cert',
  'auth-request': 'x-client-cert',
  'ext-authz': 'x-forwarded-client-cert',
};
/** Certificates are a few KB; a larger header is not one and is ignored. */
const MAX_CERT_HEADER = 32 * 1024;

export type DescribeError = 'no_request_description' | 'bad_path' | 'bad_host' | 'bad_method';
export type Description = { ok: true; request: DescribedRequest } | { ok: false; error: DescribeError; detail: string };

type Get = (name: string) => string | null | undefined;

const fail = (error: DescribeError, detail: string): Description => ({ ok: false, error, detail });

/** Whether `;` may appear in described paths (PATH_PARAMETERS=allow); refused by default. */
const allowSemicolon = process.env.PATH_PARAMETERS === 'allow';

const HOST =
  /^(?:[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/;

/** Lower case, one trailing dot dropped; a list, user info or anything else than a host[:port] is refused. */
export function canonicalHost(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let h = raw.trim().toLowerCase();
  if (h.length > 261) return null;
  const dot = h.endsWith('.') ? 1 : /\.:\d+$/.test(h) ? 2 : 0;
  if (dot === 1) h = h.slice(0, -1);
  else if (dot === 2) h = h.replace(/\.(:\d+)$/, '$1');
  return HOST.test(h) ? h : null;
}

function method(raw: string | null | undefined): string | null {
  return raw && /^[A-Za-z]{1,20}$/.test(raw) ? raw.toUpperCase() : null;
}

/**
 * Canonical forms of the raw (host, target, method) triples seen lately: a proxy describes
 * the same few requests over and over, and canonicalising costs more than a lookup. Only
 * successes are kept; at MAX_CANONICAL entries the memo starts over.
 */
const canonical = new Map<string, { host: string; path: string; method: string }>();
const MAX_CANONICAL = 4096;
const gate = new MemoGate();

function build(
  host: string | null | undefined,
  target: string,
  m: string | null | undefined,
  sourceIp: string | null,
): Description {
  // Length-prefixed, so no two triples share a key whatever they contain.
  const key = gate.use() ? `${m?.length ?? -1}:${m ?? ''}${host?.length ?? -1}:${host ?? ''}${target}` : null;
  if (key !== null) {
    const known = canonical.get(key);
    gate.record(known !== undefined);
    if (known !== undefined)
      return { ok: true, request: { host: known.host, path: known.path, method: known.method, sourceIp } };
  }
  const h = canonicalHost(host);
  if (!h) return fail('bad_host', 'the described host is not a host name');
  const mm = method(m);
  if (!mm) return fail('bad_method', 'the described method is not an HTTP method');
  const p = canonicalPath(target, { allowSemicolon });
  if (!p.ok) return fail('bad_path', p.reason);
  if (key !== null) {
    if (canonical.size >= MAX_CANONICAL) canonical.clear();
    canonical.set(key, { host: h, path: p.path, method: mm });
  }
  return { ok: true, request: { host: h, path: p.path, method: mm, sourceIp } };
}

/**
 * - forward-auth (Traefik forwardAuth, Caddy forward_auth): X-Forwarded-Method, -Host, -Uri
 *   (-Proto is not needed: routes are matched by host and path).
 * - auth-request (nginx auth_request): X-Original-URL and X-Original-Method, both set in
 *   the nginx configuration.
 * - ext-authz (Envoy ext_authz, HTTP service): the original path after the endpoint's path,
 *   the original Host and method.
 */
export function describeRequest(
  family: ProxyFamily,
  get: Get,
  requestMethod: string,
  suffix: string | null,
  sourceIp: string | null,
): Description {
  const described = describeTarget({ family, get, requestMethod, suffix, sourceIp });
  if (!described.ok) return described;
  const header = get(CLIENT_CERT_HEADER[family]);
  if (header && header.length <= MAX_CERT_HEADER) described.request.clientCert = { family, header };
  return described;
}

function describeTarget({
  family,
  get,
  requestMethod,
  suffix,
  sourceIp,
}: {
  family: ProxyFamily;
  get: Get;
  requestMethod: string;
  suffix: string | null;
  sourceIp: string | null;
}): Description {
  switch (family) {
    case 'forward-auth': {
      const uri = get('x-forwarded-uri');
      const m = get('x-forwarded-method');
      if (uri == null || m == null)
        return fail('no_request_description', 'X-Forwarded-Uri and X-Forwarded-Method are required');
      return build(get('x-forwarded-host'), uri || '/', m, sourceIp);
    }
    case 'auth-request': {
      const url = get('x-original-url');
      const m = get('x-original-method');
      if (url == null || m == null)
        return fail('no_request_description', 'X-Original-URL and X-Original-Method are required');
      // Split by hand: new URL() would resolve `..` and decode before we see them.
      const parts = /^https?:\/\/([^/?#]*)(.*)$/i.exec(url);
      if (!parts) return fail('bad_path', 'X-Original-URL is not an absolute http(s) URL');
      if (parts[1]!.includes('@')) return fail('bad_host', 'X-Original-URL carries user info');
      return build(parts[1], parts[2] || '/', m, sourceIp);
    }
    case 'ext-authz': {
      if (suffix === null)
        return fail('no_request_description', 'the original path must follow /api/v1/verify/ext-authz');
      return build(get('host'), suffix || '/', requestMethod, sourceIp);
    }
  }
}
