// The one decision: what every verify endpoint answers, whoever serves it (the console's
// route handlers, lib/http/verify.ts, or the verifier, lib/verifier/server.ts). It takes a
// minimal request and returns status, headers and body, so the two cannot disagree.
import { createHash } from 'node:crypto';
import { Unavailable, type Identity, type TokenError, type VerifyEngine } from '@/lib/verify/engine';
import { describeRequest, type DescribedRequest, type ProxyFamily } from '@/lib/verify/describe';
import { NO_IDENTITY, identityHeaders } from '@/lib/verify/identity-headers';
import type { CompiledRoute, EffectivePolicy } from '@/lib/verify/route-table';
import type { RouteDecision } from '@/lib/verify/decision-memo';
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

/**
 * Why a decision came out as it did. A closed set, fit for a metric label: `allow`,
 * `public` (a route open to anonymous callers), the token errors, `forbidden` (a policy),
 * `no_route`, `out_of_scope` (the account's namespace does not include the route),
 * `bad_request` (no or a malformed description of the request) and `unavailable`.
 */
export type DecisionReason =
  | 'allow'
  | 'public'
  | TokenError
  | 'forbidden'
  | 'no_route'
  | 'out_of_scope'
  | 'bad_request'
  | 'unavailable';

/** One decision as observers see it (metrics, the decision log): never the token. */
export interface Decision {
  endpoint: VerifyEndpoint;
  status: number;
  allow: boolean;
  reason: DecisionReason;
  method: string;
  /** The described request's canonical host and path; null on the token-only endpoint or a bad description. */
  host: string | null;
  path: string | null;
  accountId: string | null;
  userId: string | null;
  email: string | null;
  routeId: string | null;
  /** The name of the policy that decided, if one did. */
  policy: string | null;
  clientAddress: string | null;
  /** Time spent deciding, in milliseconds. */
  latencyMs: number;
}

/** What a decision path found out, filled in as it goes. */
interface Note {
  reason: DecisionReason;
  fwd?: DescribedRequest;
  identity?: Identity;
  route?: CompiledRoute;
  policy?: EffectivePolicy;
}

// One set per process: Next.js may evaluate this module once per route bundle, and the
// observers registered at startup must see every bundle's decisions.
const observers: Set<(d: Decision) => void> = ((
  globalThis as { __posternDecisionObservers?: Set<(d: Decision) => void> }
).__posternDecisionObservers ??= new Set());

/**
 * Calls `fn` after every decision (synchronously: it must be cheap and must not throw).
 * Returns the function that stops it. With no observer, deciding costs nothing extra.
 */
export function observeDecisions(fn: (d: Decision) => void): () => void {
  observers.add(fn);
  return () => observers.delete(fn);
}

function report(input: VerifyInput, out: VerifyOutput, note: Note, started: number): void {
  const a = note.identity?.account;
  const d: Decision = {
    endpoint: input.endpoint,
    status: out.status,
    allow: out.status === 200,
    reason: note.reason,
    method: note.fwd?.method ?? input.method,
    host: note.fwd?.host ?? null,
    path: note.fwd?.path ?? null,
    accountId: a?.id ?? null,
    userId: a?.userId ?? null,
    email: a?.email ?? null,
    routeId: note.route?.id ?? null,
    policy: note.policy?.name ?? null,
    clientAddress: input.clientAddress,
    latencyMs: performance.now() - started,
  };
  for (const fn of observers) {
    try {
      fn(d);
    } catch {
      // An observer's failure never changes or delays an answer.
    }
  }
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

/**
 * The verify endpoints never read a request body (proxies send none: nginx
 * `proxy_pass_request_body off`, forwardAuth and ext_authz by default). One declared larger
 * than this is refused before any work (the servers drop the rest of the upload:
 * lib/net/refuse-body.ts); a smaller or chunked one is discarded unread.
 */
export const MAX_VERIFY_BODY_BYTES = 1024 * 1024;

/** 413 for a declared body over MAX_VERIFY_BODY_BYTES, else null. */
export function verifyBodyRefusal(contentLength: string | null | undefined, head: boolean): VerifyOutput | null {
  if (contentLength === null || contentLength === undefined) return null;
  const n = Number(contentLength);
  if (Number.isFinite(n) && n <= MAX_VERIFY_BODY_BYTES) return null;
  return json(
    413,
    {
      error: 'body_too_large',
      detail: `The verify endpoints read no request body; one over ${MAX_VERIFY_BODY_BYTES / (1024 * 1024)} MB is refused.`,
    },
    head,
  );
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

function forbidden(route: CompiledRoute, d: RouteDecision, head: boolean) {
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
      ...NO_IDENTITY,
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
  const started = observers.size ? performance.now() : 0;
  const note: Note = { reason: 'unavailable' };
  let out: VerifyOutput;
  try {
    out = await engine.beforeStale(
      input.endpoint === 'token'
        ? verifyToken(engine, input, head, note)
        : verifyProxied(engine, input, input.endpoint, head, note),
    );
  } catch (err) {
    if (!(err instanceof Unavailable))
      log.error({ err: (err as Error)?.message }, 'verify failed unexpectedly; failing closed');
    note.reason = 'unavailable';
    out = unavailable(head);
  }
  if (observers.size) report(input, out, note, started);
  return out;
}

async function verifyToken(engine: VerifyEngine, input: VerifyInput, head: boolean, note: Note): Promise<VerifyOutput> {
  const { get } = input;
  if (get('x-original-url') != null || get('x-forwarded-uri') != null) {
    note.reason = 'bad_request';
    return json(400, PROXY_ENDPOINT_REQUIRED, head);
  }
  const checked = await engine.check(get);
  if (!checked.ok) {
    note.reason = checked.error;
    return checked.status === 401 ? unauthenticated(checked.error, head) : unavailable(head);
  }
  engine.usage.record(checked.identity.account.id, '', true, input.clientAddress);
  note.identity = checked.identity;
  note.reason = 'allow';
  // No route is known, so the assertion is for this console.
  return allow(engine, checked.identity, engine.audience, head);
}

async function verifyProxied(
  engine: VerifyEngine,
  input: VerifyInput,
  family: ProxyFamily,
  head: boolean,
  note: Note,
): Promise<VerifyOutput> {
  const { get } = input;
  const described = describeRequest(family, get, input.method, input.suffix, input.clientAddress);
  if (!described.ok) {
    note.reason = 'bad_request';
    return json(400, { error: described.error, detail: described.detail }, head);
  }
  const fwd = described.request;
  note.fwd = fwd;
  let checked = await engine.check(get);
  if (!checked.ok && checked.status === 503) return unavailable(head);
  const table = engine.routesNow() ?? (await engine.routes());
  const route = table.match(fwd.host, fwd.path);
  note.route = route;
  // Not a token of ours: a route may accept a CI platform's token directly (lib/verify/external.ts).
  if (!checked.ok && checked.error === 'invalid_token' && route?.acceptExternalTokens) {
    const external = await engine.checkExternal(get, route);
    if (external && !external.ok && external.status === 503) return unavailable(head);
    if (external) checked = external;
  }
  if (!checked.ok) {
    // Only a route whose policies allow anonymous access (public access) passes without a token.
    if (checked.error === 'missing_token' && route) {
      const d = table.memo.decide(route, null, fwd, get);
      if (d.allowed) {
        note.reason = 'public';
        note.policy = d.policy;
        // No identity: every identity header empty, so none a client wrote reaches the upstream.
        return json(200, { status: 'ok', public: true }, head, NO_IDENTITY);
      }
    }
    note.reason = checked.error;
    return unauthenticated(checked.error, head);
  }
  note.identity = checked.identity;
  // Usage counts decisions about a known account only (lib/verify/usage.ts): in memory, flushed in batches.
  const used = (allowed: boolean) =>
    engine.usage.record(checked.identity.account.id, route?.id ?? '', allowed, input.clientAddress);
  if (!route) {
    used(false);
    note.reason = 'no_route';
    return json(403, { error: 'no_route' }, head);
  }
  if (!route.scope.has(checked.identity.account.namespaceId)) {
    used(false);
    note.reason = 'out_of_scope';
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
  const d = table.memo.decide(route, checked.identity, fwd, get);
  note.policy = d.policy;
  used(d.allowed);
  if (!d.allowed) {
    note.reason = 'forbidden';
    return forbidden(route, d, head);
  }
  note.reason = 'allow';
  return allow(engine, checked.identity, route.host, head);
}
