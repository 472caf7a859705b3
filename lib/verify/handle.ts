import 'server-only';
import { Unavailable, verifyEngine, type Identity, type TokenError } from '@/lib/verify/engine';
import { describeRequest, type DescribedRequest, type ProxyFamily } from '@/lib/verify/describe';
import { identityHeaders } from '@/lib/verify/identity-headers';
import { clientCertificate } from '@/lib/verify/client-cert';
import { decide, type CompiledRoute } from '@/lib/verify/route-table';
import { requestClientAddress } from '@/lib/net/client-address';
import { EXT_AUTHZ_PATH_HEADER, PEER_HEADER } from '@/lib/net/request-stamp';
import type { PolicyRequest } from '@/lib/policy';
import { config } from '@/lib/config';
import { log } from '@/lib/log';

/**
 * Envoy's original path, as the request stamp moved it out of the URL, or null. Only
 * trusted when the stamp ran on this request (it also removes a client-sent copy).
 */
function extAuthzSuffix(get: (name: string) => string | null): string | null {
  return get(PEER_HEADER) === null ? null : get(EXT_AUTHZ_PATH_HEADER);
}

function json(status: number, body: unknown, headers: Record<string, string> = {}, head = false): Response {
  return new Response(head ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

const unauthenticated = (error: TokenError, head: boolean) =>
  json(401, { error }, { 'www-authenticate': 'Pomerium' }, head);
const unavailable = (head: boolean) => json(503, { error: 'unavailable' }, { 'retry-after': '5' }, head);

function policyRequest(
  identity: Identity | null,
  req: DescribedRequest,
  get: (n: string) => string | null,
): PolicyRequest {
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
    {},
    head,
  );
}

async function allow(identity: Identity, audience: string, head: boolean): Promise<Response> {
  const { account } = identity;
  const assertion = await verifyEngine.assertion(identity, audience);
  const out = identityHeaders({
    userId: account.userId,
    accountId: account.id,
    email: account.email,
    groups: account.groups,
  });
  out['x-pomerium-jwt-assertion'] = assertion;
  // The body repeats the identity for programmatic callers; the assertion stays in its
  // header only: in the body it doubled the response and cost ~20% throughput (bench/).
  return json(
    200,
    {
      status: 'ok',
      sub: account.userId,
      service_account_id: account.id,
      email: account.email,
      groups: account.groups,
    },
    out,
    head,
  );
}

async function guarded(head: boolean, run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof Unavailable))
      log.error({ err: (err as Error)?.message }, 'verify failed unexpectedly; failing closed');
    return unavailable(head);
  }
}

/**
 * GET /api/v1/verify: the token-only check for programmatic callers. It judges no route,
 * so a proxy must never call it: a request that carries a proxy's description of another
 * request is refused (400), so an old proxy configuration fails closed, not open.
 */
export function handleTokenVerify(req: Request): Promise<Response> {
  const head = req.method === 'HEAD';
  return guarded(head, async () => {
    const get = (name: string) => req.headers.get(name);
    if (get('x-original-url') !== null || get('x-forwarded-uri') !== null) {
      return json(
        400,
        {
          error: 'proxy_endpoint_required',
          detail:
            'This endpoint checks the token only. Proxies call /api/v1/verify/forward-auth (Traefik, Caddy), /api/v1/verify/auth-request (nginx) or /api/v1/verify/ext-authz (Envoy).',
        },
        {},
        head,
      );
    }
    const checked = await verifyEngine.check(get);
    if (!checked.ok) return checked.status === 401 ? unauthenticated(checked.error, head) : unavailable(head);
    // No route is known, so the assertion is for this console.
    return allow(checked.identity, config.tokenAudience, head);
  });
}

/**
 * The forward-auth answer for one proxy family: 200 with identity headers, 401, 403, a
 * 400 with a JSON error code when the description is missing or malformed, or 503 when
 * it cannot decide. Never a 5xx for anything a client sends, never a 200 undescribed.
 */
export function handleProxyVerify(family: ProxyFamily, req: Request): Promise<Response> {
  const head = req.method === 'HEAD';
  return guarded(head, async () => {
    const get = (name: string) => req.headers.get(name);
    const described = describeRequest(
      family,
      get,
      req.method,
      family === 'ext-authz' ? extAuthzSuffix(get) : null,
      requestClientAddress(get),
    );
    if (!described.ok) return json(400, { error: described.error, detail: described.detail }, {}, head);
    const fwd = described.request;
    const checked = await verifyEngine.check(get);
    if (!checked.ok && checked.status === 503) return unavailable(head);
    const route = (await verifyEngine.routes()).match(fwd.host, fwd.path);
    if (!checked.ok) {
      // Only a route whose policies allow anonymous access (public access) passes without a token.
      if (checked.error === 'missing_token' && route && decide(route, policyRequest(null, fwd, get)).allowed) {
        return json(200, { status: 'ok', public: true }, {}, head);
      }
      return unauthenticated(checked.error, head);
    }
    if (!route) return json(403, { error: 'no_route' }, {}, head);
    if (!route.scope.has(checked.identity.account.namespaceId)) {
      return json(
        403,
        {
          error: 'forbidden',
          explanation: "This service account's namespace does not include this route.",
          remediation: "Use a service account created in the route's namespace or one of its parents.",
        },
        {},
        head,
      );
    }
    const d = decide(route, policyRequest(checked.identity, fwd, get));
    if (!d.allowed) return forbidden(route, d, head);
    return allow(checked.identity, route.host, head);
  });
}
