// The verifier's gRPC face: Envoy's external authorization service
// (envoy.service.auth.v3.Authorization/Check), for Envoy and Istio set up with a
// `grpc_service` instead of an `http_service`. Each CheckRequest is described to the same
// decision core as GET /api/v1/verify/ext-authz/<path> (lib/verify/core.ts), so both
// protocols judge a request alike; only the envelope differs.
//
// Every Check ends in a CheckResponse, never in a gRPC error: Envoy reads a failed call (or
// a CheckResponse.error_response) as "the authorization service failed", which an Envoy set
// up with failure_mode_allow lets through. A request Postern cannot decide is denied with
// HTTP 503 instead, so it fails closed whatever the filter's settings.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { clientAddress } from '@/lib/net/client-address';
import { unavailable, verifyRequest, type VerifyOutput } from '@/lib/verify/core';
import type { VerifyEngine } from '@/lib/verify/engine';
import { IDENTITY_HEADER_NAMES } from '@/lib/verify/identity-headers';
import type { EngineLog } from '@/lib/verify/types';

/** The hand-written, wire-compatible subset of Envoy's protos (see the header of each file). */
export const PROTO_DIR = fileURLToPath(new URL('./proto', import.meta.url));
export const EXTERNAL_AUTH_PROTO = 'envoy/service/auth/v3/external_auth.proto';

/** keepCase: the objects use the protos' snake_case names, as Envoy's documentation does. */
export const PROTO_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: Number,
  defaults: false,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

/** The Authorization service's definition, for a server or a client (the tests build one). */
export function authorizationService(): grpc.ServiceDefinition {
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(EXTERNAL_AUTH_PROTO, PROTO_OPTIONS));
  // biome-ignore lint/suspicious/noExplicitAny: a loaded package is untyped by nature
  return (pkg as any).envoy.service.auth.v3.Authorization.service as grpc.ServiceDefinition;
}

/** google.rpc.Code values used here. */
export const GrpcCode = { OK: 0, INVALID_ARGUMENT: 3, PERMISSION_DENIED: 7, UNAVAILABLE: 14 } as const;
/** envoy.config.core.v3.HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD */
const OVERWRITE_IF_EXISTS_OR_ADD = 2;

// ── The CheckRequest subset this file reads, as proto-loader decodes it ──
interface HeaderValue {
  key?: string;
  value?: string;
  raw_value?: Uint8Array | string;
}
export interface HttpRequestAttributes {
  method?: string;
  headers?: Record<string, string>;
  header_map?: { headers?: HeaderValue[] };
  path?: string;
  host?: string;
}
export interface CheckRequest {
  attributes?: {
    source?: { address?: { socket_address?: { address?: string; port_value?: number } } };
    request?: { http?: HttpRequestAttributes };
  };
}

interface HeaderValueOption {
  header: { key: string; value: string };
  append_action: number;
}
export interface CheckResponse {
  status: { code: number; message?: string };
  denied_response?: { status: { code: number }; headers: HeaderValueOption[]; body: string };
  ok_response?: { headers: HeaderValueOption[]; headers_to_remove: string[] };
}

/**
 * Header values as node:http hands them to the HTTP endpoint: one character per byte
 * (latin1). Protobuf strings arrive decoded from UTF-8, so a raw `é` in a path would
 * otherwise be one character here and two there, and the two endpoints would canonicalise
 * it differently (lib/net/canonical-path.ts reads header text byte by byte).
 */
const asBytes = (s: string): string => (/[\u0080-\uffff]/.test(s) ? Buffer.from(s, 'utf8').toString('latin1') : s);

/**
 * The request's headers by lower-case name. Envoy sends `headers` (a map, repeated names
 * already joined) or, with encode_raw_headers, `header_map` (one entry per line, values as
 * bytes), joined here with ", " as node:http does. `host` answers HttpRequest.host, which
 * Envoy fills from Host or :authority.
 */
export function headerGetter(http: HttpRequestAttributes): (name: string) => string | null {
  const map = new Map<string, string>();
  const add = (key: unknown, value: string) => {
    if (typeof key !== 'string' || !key) return;
    const k = key.toLowerCase();
    const prev = map.get(k);
    map.set(k, prev === undefined ? value : `${prev}, ${value}`);
  };
  if (http.headers && typeof http.headers === 'object') {
    for (const [k, v] of Object.entries(http.headers)) if (typeof v === 'string') add(k, asBytes(v));
  }
  const lines = http.header_map?.headers;
  if (Array.isArray(lines)) {
    for (const h of lines) {
      if (!h || typeof h !== 'object') continue;
      const raw = h.raw_value;
      if (raw instanceof Uint8Array && raw.length) add(h.key, Buffer.from(raw).toString('latin1'));
      else if (typeof h.value === 'string') add(h.key, asBytes(h.value));
      else add(h.key, '');
    }
  }
  const host =
    (typeof http.host === 'string' && http.host ? asBytes(http.host) : null) ??
    map.get(':authority') ??
    map.get('host') ??
    null;
  return (name) => (name === 'host' ? host : (map.get(name) ?? null));
}

/** Names of every identity header an allowed answer may carry. */
const IDENTITY_HEADERS: readonly string[] = IDENTITY_HEADER_NAMES;

const option = (key: string, value: string): HeaderValueOption => ({
  header: { key, value },
  append_action: OVERWRITE_IF_EXISTS_OR_ADD,
});

function grpcCode(status: number): number {
  if (status === 200) return GrpcCode.OK;
  if (status === 400) return GrpcCode.INVALID_ARGUMENT;
  return status >= 500 ? GrpcCode.UNAVAILABLE : GrpcCode.PERMISSION_DENIED;
}

/**
 * The core's answer as Envoy expects it. Allowed: the identity headers go to the upstream,
 * overwriting any the client sent, and identity headers this answer does not set are
 * removed, so a client can never pass its own (say, an email on an account without one,
 * or any identity on a public route). Denied: Envoy answers the client with
 * denied_response's status, headers and body (403 when no status is given, so one is
 * always given); the gRPC status only says "not OK".
 */
export function toCheckResponse(out: VerifyOutput): CheckResponse {
  const code = grpcCode(out.status);
  if (code === GrpcCode.OK) {
    // Envoy can remove a header outright: an empty identity value becomes a removal.
    const headers = Object.entries(out.headers)
      .filter(([k, v]) => k.startsWith('x-pomerium-') && v !== '')
      .map(([k, v]) => option(k, v));
    return {
      status: { code },
      ok_response: { headers, headers_to_remove: IDENTITY_HEADERS.filter((h) => !out.headers[h]) },
    };
  }
  return {
    status: { code },
    denied_response: {
      status: { code: out.status },
      headers: Object.entries(out.headers).map(([k, v]) => option(k, v)),
      body: out.body ?? '',
    },
  };
}

const noDescription = (detail: string): VerifyOutput => ({
  status: 400,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify({ error: 'no_request_description', detail }),
});

export interface GrpcOptions {
  engine: VerifyEngine;
  /** TRUSTED_PROXY_HOPS, as for the HTTP endpoints. */
  hops: number;
  log: EngineLog;
}

/**
 * One Check, as the core's answer. The client address: the X-Forwarded-For chain followed
 * by source.address (the downstream peer Envoy saw), read with TRUSTED_PROXY_HOPS exactly
 * like the HTTP endpoint, whose peer is Envoy itself: the chain has the same length either
 * way, so one TRUSTED_PROXY_HOPS gives the same client for both protocols (hops = 0 names
 * the downstream peer here, where over HTTP it would name Envoy).
 */
export async function check(o: GrpcOptions, req: CheckRequest | null | undefined): Promise<VerifyOutput> {
  const attrs = req?.attributes;
  const http = attrs?.request?.http;
  if (!http || typeof http !== 'object')
    return noDescription('CheckRequest.attributes.request.http is required (an HTTP ext_authz filter sends it)');
  if (typeof http.path !== 'string' || !http.path)
    return noDescription('CheckRequest.attributes.request.http.path is required');
  const get = headerGetter(http);
  const source = attrs?.source?.address?.socket_address?.address;
  const peer = typeof source === 'string' && source ? source : null;
  // Without X-Forwarded-For the peer stands in for it, as in the HTTP endpoint (which does what Next.js does).
  const xff = get('x-forwarded-for') ?? peer;
  return verifyRequest(
    o.engine,
    {
      endpoint: 'ext-authz',
      method: typeof http.method === 'string' ? http.method : '',
      get,
      suffix: asBytes(http.path),
      clientAddress: clientAddress(xff, peer, o.hops),
    },
    o.log,
  );
}

/** The Authorization service's implementation: always a CheckResponse (see the header). */
export function authorizationHandlers(o: GrpcOptions): grpc.UntypedServiceImplementation {
  return {
    Check: (call: grpc.ServerUnaryCall<CheckRequest, CheckResponse>, callback: grpc.sendUnaryData<CheckResponse>) => {
      check(o, call.request)
        .then(toCheckResponse)
        .catch((err: unknown) => {
          o.log.error({ err: (err as Error)?.message }, 'ext_authz gRPC check failed unexpectedly; failing closed');
          return toCheckResponse(unavailable(false));
        })
        .then((res) => callback(null, res));
    },
  };
}

export interface GrpcServer {
  port: number;
  stop(): Promise<void>;
}

/** Starts the service on host:port (0: any free port). Plaintext, like the HTTP port: keep it on a private network or behind mesh mTLS. */
export async function startGrpcServer(o: GrpcOptions & { host: string; port: number }): Promise<GrpcServer> {
  const server = new grpc.Server();
  server.addService(authorizationService(), authorizationHandlers(o));
  const address = o.host.includes(':') ? `[${o.host}]:${o.port}` : `${o.host}:${o.port}`;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        // In-flight checks get a moment to finish; then the connections are cut.
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 5_000).unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
