// The one decision: what every verify endpoint answers, whoever serves it (the console's
// route handlers, lib/http/verify.ts, or the verifier, lib/verifier/server.ts). It takes a
// minimal request and returns status, headers and body, so the two cannot disagree.
import { createHash } from 'node:crypto';
import { Unavailable, type Identity, type TokenError, type VerifyEngine } from '@/lib/verify/engine';
import { describeRequest, type DescribedRequest, type ProxyFamily } from '@/lib/verify/describe';
import { identityHeaders } from '@/lib/verify/identity-headers';
import { clientCertificate } from '@/lib/verify/client-cert';
import { decide, type CompiledRoute } from '@/lib/verify/route-table';
import type { PolicyRequest } from '@/lib/policy';
import type { EngineLog } from '@/lib/verify/types';

/** `token`: GET /api/v1/verify; the others: one endpoint per proxy family. */
export type VerifyEndpoint = 'token' | ProxyFamily;

export const VERIFY_PREFIX = '/api/v1/verify';

export interface VerifyInput {
  endpoint: VerifyEndpoint;
  /** The method of the call to the endpoint (for Envoy, the original request's method). */
  method: string;
  /** A request header by lower-case name. */
  get: (name: string) => string | null | undefined;
  /** ext-authz: the original path (and query) after the endpoint's path, raw; otherwise null. */
  suffix: string | null;
  /** The trusted client address (lib/net/client-address.ts), or null when unknown. */
  clientAddress: string | null;
}

export interface VerifyOutput {
  status: number;
  headers: Record<string, string>;
  /** JSON text, or null for HEAD. */
  body: string | null;
}

/**
 * Which endpoint a raw request path names: `/api/v1/verify` (token only), `/forward-auth`,
 * `/auth-request`, `/ext-authz/<original path>`; `unknown` under the prefix, null outside it.
 */
export function verifyEndpointOf(
  rawPath: string,
): { endpoint: VerifyEndpoint; suffix: string | null } | { endpoint: 'unknown' } | null {
  if (!rawPath.startsWith(VERIFY_PREFIX)) return null;
  const rest = rawPath.slice(VERIFY_PREFIX.length);
  if (rest === '' || rest[0] === '?') return { endpoint: 'token', suffix: null };
  if (rest[0] !== '/') return null;
  const q = rest.indexOf('?');
  const name = q === -1 ? rest : rest.slice(0, q);
  if (name === '/forward-auth' || name === '/forward-auth/') return { endpoint: 'forward-auth', suffix: null };
  if (name === '/auth-request' || name === '/auth-request/') return { endpoint: 'auth-request', suffix: null };
  if (rest.startsWith('/ext-authz/')) return { endpoint: 'ext-authz', suffix: rest.slice('/ext-authz'.length) };
  if (name === '/ext-authz') return { endpoint: 'ext-authz', suffix: null };
  return { endpoint: 'unknown' };
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;

/** A JSON answer (no body for HEAD), uncacheable; the verifier's own endpoints answer with it too. */
export function json(status: number, body: unknown, head: boolean, headers?: Record<string, string>): VerifyOutput {
  return {
    status,
    headers: headers ? { ...JSON_HEADERS, ...headers } : { ...JSON_HEADERS },
    body: head ? null : JSON.stringify(body),
  };
}

let lastJwks: { body: string; etag: string } | null = null;

/**
 * The JWKS document as the console and the verifier serve it: cacheable for a minute, with
 * an ETag (hashed once per document) and 304 to a matching If-None-Match.
 */
export function jwksAnswer(body: string, ifNoneMatch: string | null | undefined, head: boolean): VerifyOutput {
  if (lastJwks?.body !== body)
    lastJwks = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
  const headers = { 'content-type': 'application/json', 'cache-control': 'public, max-age=60', etag: lastJwks.etag };
  if (ifNoneMatch === lastJwks.etag) return { status: 304, headers, body: null };
  return { status: 200, headers, body: head ? null : body };
}

export function unknownEndpoint(head: boolean): VerifyOutput {
  return json(
    404,
    {
      error: 'unknown_endpoint',
      detail:
        'Proxies call /api/v1/verify/forward-auth, /api/v1/verify/auth-request or /api/v1/verify/ext-authz/<path>.',
    },
    head,
  );
}

const unauthenticated = (error: TokenError, head: boolean) =>
  json(401, { error }, head, { 'www-authenticate': 'Pomerium' });
export const unavailable = (head: boolean) => json(503, { error: 'unavailable' }, head, { 'retry-after': '5' });

function policyRequest(identity: Identity | null, req: DescribedRequest, get: VerifyInput['get']): PolicyRequest {
  const a = identity?.account;
  return {
    user: a
      ? {
          id: a.userId,
          email: a.email ?? undefined,
          groups: a.groups,
          claims: identity!.claims as unknown as Record<string, unknown>,
        }
      : null,
    method: req.method,
    path: req.path,
    sourceIp: req.sourceIp ?? undefined,
    headers: {
      origin: get('origin') ?? undefined,
      'access-control-request-method': get('access-control-request-method') ?? undefined,
    },
    // Parsed only if a policy on the route reads the certificate.
    clientCertificate: req.clientCert ? () => clientCertificate(req.clientCert!.family, req.clientCert!.header) : null,
  };
}

function forbidden(route: CompiledRoute, d: ReturnType<typeof decide>, head: boolean) {
  const p = d.policy ?? route.policies.find((x) => x.explanation || x.remediation);
  return json(
    403,
    {
      error: 'forbidden',
      explanation:
        p?.explanation ||
        (route.policies.length
          ? 'No policy on this route allows this request.'
          : 'This route has no policy that allows access.'),
      remediation: p?.remediation || 'Ask the route owner to grant this service account access.',
    },
    head,
  );
}

function allow(engine: VerifyEngine, identity: Identity, audience: string, head: boolean): Promise<VerifyOutput> {
  const answer = engine.allowAnswer(identity.account, audience, async (): Promise<VerifyOutput> => {
    const { account } = identity;
    const headers: Record<string, string> = {
      ...JSON_HEADERS,
      ...identityHeaders({
        userId: account.userId,
        accountId: account.id,
        email: account.email,
        groups: account.groups,
      }),
      'x-pomerium-jwt-assertion': await engine.assertion(identity, audience),
    };
    // The body repeats the identity for programmatic callers; the assertion stays in its
    // header only: in the body it doubled the response and cost ~20% throughput (bench/).
    const body = JSON.stringify({
      status: 'ok',
      sub: account.userId,
      service_account_id: account.id,
      email: account.email,
      groups: account.groups,
    });
    return { status: 200, headers, body };
  });
  // Shared between requests: callers only read it.
  return head ? answer.then((a) => ({ ...a, body: null })) : answer;
}

const PROXY_ENDPOINT_REQUIRED = {
  error: 'proxy_endpoint_required',
  detail:
    'This endpoint checks the token only. Proxies call /api/v1/verify/forward-auth (Traefik, Caddy), /api/v1/verify/auth-request (nginx) or /api/v1/verify/ext-authz (Envoy).',
};

/**
 * The token-only check (GET /api/v1/verify) judges no route, so a proxy must never call
 * it: a request carrying a proxy's description of another request is refused (400), so an
 * old proxy configuration fails closed, not open. The proxy endpoints answer 200 with
 * identity headers, 401, 403, a 400 with a JSON error code when the description is missing
 * or malformed, or 503 when they cannot decide. Never a 5xx for anything a client sends,
 * never a 200 undescribed.
 */
export async function verifyRequest(engine: VerifyEngine, input: VerifyInput, log: EngineLog): Promise<VerifyOutput> {
  const head = input.method === 'HEAD';
  try {
    return input.endpoint === 'token'
      ? await verifyToken(engine, input, head)
      : await verifyProxied(engine, input, input.endpoint, head);
  } catch (err) {
    if (!(err instanceof Unavailable))
      log.error({ err: (err as Error)?.message }, 'verify failed unexpectedly; failing closed');
    return unavailable(head);
  }
}

async function verifyToken(engine: VerifyEngine, input: VerifyInput, head: boolean): Promise<VerifyOutput> {
  const { get } = input;
  if (get('x-original-url') != null || get('x-forwarded-uri') != null) return json(400, PROXY_ENDPOINT_REQUIRED, head);
  const checked = await engine.check(get);
  if (!checked.ok) return checked.status === 401 ? unauthenticated(checked.error, head) : unavailable(head);
  engine.usage.record(checked.identity.account.id, '', true, input.clientAddress);
  // No route is known, so the assertion is for this console.
  return allow(engine, checked.identity, engine.audience, head);
}

async function verifyProxied(
  engine: VerifyEngine,
  input: VerifyInput,
  family: ProxyFamily,
  head: boolean,
): Promise<VerifyOutput> {
  const { get } = input;
  const described = describeRequest(family, get, input.method, input.suffix, input.clientAddress);
  if (!described.ok) return json(400, { error: described.error, detail: described.detail }, head);
  const fwd = described.request;
  const checked = await engine.check(get);
  if (!checked.ok && checked.status === 503) return unavailable(head);
  const route = (await engine.routes()).match(fwd.host, fwd.path);
  if (!checked.ok) {
    // Only a route whose policies allow anonymous access (public access) passes without a token.
    if (checked.error === 'missing_token' && route && decide(route, policyRequest(null, fwd, get)).allowed) {
      return json(200, { status: 'ok', public: true }, head);
    }
    return unauthenticated(checked.error, head);
  }
  // Usage counts decisions about a known account only (lib/verify/usage.ts): in memory, flushed in batches.
  const used = (allowed: boolean) =>
    engine.usage.record(checked.identity.account.id, route?.id ?? '', allowed, input.clientAddress);
  if (!route) {
    used(false);
    return json(403, { error: 'no_route' }, head);
  }
  if (!route.scope.has(checked.identity.account.namespaceId)) {
    used(false);
    return json(
      403,
      {
        error: 'forbidden',
        explanation: "This service account's namespace does not include this route.",
        remediation: "Use a service account created in the route's namespace or one of its parents.",
      },
      head,
    );
  }
  const d = decide(route, policyRequest(checked.identity, fwd, get));
  used(d.allowed);
  if (!d.allowed) return forbidden(route, d, head);
  return allow(engine, checked.identity, route.host, head);
}
