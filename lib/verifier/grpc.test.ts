// Envoy's ext_authz over gRPC, end to end on real ports: a gRPC client built from the protos
// (as Envoy would call), the verifier's gRPC service over a real Replica and VerifyEngine,
// and the verifier's HTTP endpoint over the same engine, which every answer must agree with.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { CompactEncrypt, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, importSigningKey, importVerifyKey, mintServiceAccountToken } from '@/lib/tokens';
import { VerifyEngine } from '@/lib/verify/engine';
import type { AccountState, EngineLog } from '@/lib/verify/types';
import { EXTERNAL_AUTH_PROTO, PROTO_DIR, startGrpcServer, type GrpcServer } from '@/lib/verifier/grpc';
import type { Snapshot } from '@/lib/verifier/protocol';
import { Replica } from '@/lib/verifier/replica';
import { verifierHandler } from '@/lib/verifier/server';

const ISSUER = 'https://postern.test';
const AUDIENCE = 'postern';
const HOST = 'app.test';
const log: EngineLog = { warn: () => {}, error: () => {} };

const alice: AccountState = {
  id: '11111111-1111-4111-8111-111111111111',
  userId: 'u-alice',
  namespaceId: 'ns-root',
  disabled: false,
  expiresAt: null,
  email: 'alice@corp.example',
  groups: ['ops', 'dev team'],
  generation: 1,
  previousValidUntil: null,
};
/** An account without email or groups, for headers a client must not be able to add. */
const bot: AccountState = {
  ...alice,
  id: '22222222-2222-4222-8222-222222222222',
  userId: 'u-bot',
  email: null,
  groups: [],
};

const policy = (id: string, ppl: string, over: { explanation?: string } = {}) => ({
  id,
  namespaceId: 'ns-root',
  name: id,
  enforced: false,
  ppl,
  explanation: over.explanation ?? '',
  remediation: '',
});

function routes(): Snapshot['routes'] {
  const route = (id: string, host: string, pathPrefix: string, policyIds: string[]) => ({
    id,
    namespaceId: 'ns-root',
    host,
    pathPrefix,
    policyIds,
  });
  return {
    namespaces: [{ id: 'ns-root', parentId: null }],
    routes: [
      route('r-app', HOST, '/', ['p-users']),
      route('r-admin', HOST, '/admin', ['p-reject']),
      route('r-office', HOST, '/office', ['p-office']),
      route('r-cafe', HOST, '/café', ['p-users']),
      route('r-public', 'public.test', '/', ['p-public']),
    ],
    policies: [
      policy('p-users', 'allow:\n  or:\n    - user: u-alice\n    - user: u-bot\n'),
      policy('p-reject', 'allow:\n  or:\n    - reject: true\n', { explanation: 'Admins only.' }),
      policy('p-office', 'allow:\n  and:\n    - user: u-alice\n    - source_ip: 10.1.2.0/24\n'),
      policy('p-public', 'allow:\n  or:\n    - accept: true\n'),
    ],
  };
}

// ── The world: signing key, replica, engine, both servers ──
let signingPublicKey: CryptoKey;
let token: string;
let botToken: string;
let revokedToken: string;
let replica: Replica;
let engine: VerifyEngine;
let grpcServer: GrpcServer;
let httpServer: http.Server;
let client: AuthorizationClient;
const closers: (() => Promise<void> | void)[] = [];

/** A gRPC client from the protos alone, as any Envoy-compatible caller builds one. */
function authorizationClient(port: number): AuthorizationClient {
  const definition = protoLoader.loadSync(EXTERNAL_AUTH_PROTO, {
    keepCase: true,
    longs: String,
    enums: Number,
    defaults: true,
    oneofs: true,
    includeDirs: [PROTO_DIR],
  });
  // biome-ignore lint/suspicious/noExplicitAny: a loaded package is untyped by nature
  const Authorization = (grpc.loadPackageDefinition(definition) as any).envoy.service.auth.v3.Authorization;
  const c: AuthorizationClient = new Authorization(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  closers.push(() => c.close());
  return c;
}

type AuthorizationClient = grpc.Client & {
  Check(request: unknown, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: Answer) => void): void;
};

interface HeaderOption {
  header: { key: string; value: string };
  append_action: number;
}
interface Answer {
  status: { code: number; message: string };
  http_response?: 'ok_response' | 'denied_response';
  ok_response?: { headers: HeaderOption[]; headers_to_remove: string[] };
  denied_response?: { status: { code: number }; headers: HeaderOption[]; body: string };
}

function checkOver(c: AuthorizationClient, request: unknown): Promise<Answer> {
  return new Promise((resolve, reject) =>
    c.Check(request, { deadline: Date.now() + 5_000 }, (err, res) => (err ? reject(err) : resolve(res))),
  );
}
const check = (request: unknown) => checkOver(client, request);

const headersOf = (opts: HeaderOption[] = []) => Object.fromEntries(opts.map((o) => [o.header.key, o.header.value]));

interface Described {
  method?: string;
  path: string;
  host?: string;
  headers?: Record<string, string>;
}

/** The CheckRequest Envoy's HTTP filter sends for this request (source: the downstream peer). */
const checkRequest = (r: Described, source = '192.0.2.7') => ({
  attributes: {
    source: { address: { socket_address: { address: source, port_value: 51234 } } },
    request: {
      http: {
        method: r.method ?? 'GET',
        path: r.path,
        host: r.host ?? HOST,
        headers: { ':authority': r.host ?? HOST, ':method': r.method ?? 'GET', ':path': r.path, ...r.headers },
      },
    },
  },
});

/** The same request to the HTTP endpoint (Envoy's http_service): GET-like, path appended. */
function httpAnswer(r: Described): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: (httpServer.address() as AddressInfo).port,
        method: r.method ?? 'GET',
        path: `/api/v1/verify/ext-authz${r.path}`,
        headers: { host: r.host ?? HOST, ...r.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function sealedSnapshot(
  publicJwk: import('jose').JWK,
  key: Awaited<ReturnType<typeof generateSigningKey>>,
): Promise<Snapshot> {
  // Sealed to the replica's key as lib/dal/verifier-feed.ts keysFor does.
  const signer = await new CompactEncrypt(
    new TextEncoder().encode(JSON.stringify({ kid: key.kid, privateJwk: key.privateJwk })),
  )
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' })
    .encrypt(await importJWK(publicJwk, 'ECDH-ES'));
  return {
    version: '1',
    issuer: ISSUER,
    accounts: [alice, bot],
    routes: routes(),
    keys: { publicJwks: [key.publicJwk], signer },
  };
}

/** A replica and engine as lib/verifier/main.ts startWorker builds them. */
async function world(snapshot: ((publicJwk: import('jose').JWK) => Promise<Snapshot>) | null) {
  const { privateKey, publicJwk } = await Replica.decryptionKeyPair();
  const r = new Replica(10_000, privateKey, async () => {});
  if (snapshot) await r.applySnapshot(await snapshot(publicJwk));
  const e = new VerifyEngine({ store: r, freshness: r, issuer: () => r.issuer, audience: AUDIENCE, log });
  closers.push(() => e.close());
  return { replica: r, engine: e };
}

beforeAll(async () => {
  const key = await generateSigningKey();
  signingPublicKey = await importVerifyKey(key.publicJwk);
  ({ replica, engine } = await world((jwk) => sealedSnapshot(jwk, key)));
  const signer = { kid: key.kid, key: await importSigningKey(key.privateJwk) };
  const mint = (a: { id: string; userId: string }) =>
    mintServiceAccountToken({
      signer,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: a.userId,
      accountId: a.id,
      generation: 1,
    });
  token = await mint(alice);
  botToken = await mint(bot);
  revokedToken = await mint({ id: '33333333-3333-4333-8333-333333333333', userId: 'u-gone' });

  grpcServer = await startGrpcServer({ engine, hops: 1, log, host: '127.0.0.1', port: 0 });
  closers.push(() => grpcServer.stop());
  client = authorizationClient(grpcServer.port);
  httpServer = http.createServer(verifierHandler({ engine, replica, hops: 1, log }));
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => httpServer.close(() => r())));
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

const bearer = (t: string) => ({ authorization: `Bearer Pomerium-${t}` });

describe('ext_authz over gRPC', () => {
  it('allows a valid token on an allowed route, with the identity headers for the upstream', async () => {
    const res = await check(checkRequest({ path: '/api/items?page=2', headers: bearer(token) }));
    expect(res.status.code).toBe(0);
    expect(res.http_response).toBe('ok_response');
    const headers = headersOf(res.ok_response!.headers);
    expect(headers).toMatchObject({
      'x-pomerium-claim-sub': 'u-alice',
      'x-pomerium-claim-email': 'alice@corp.example',
      'x-pomerium-claim-groups': '["ops","dev team"]',
      'x-pomerium-service-account-id': alice.id,
    });
    expect(Object.keys(headers).every((k) => k.startsWith('x-pomerium-'))).toBe(true);
    // Overwrite, so a client's own x-pomerium-* value is replaced rather than appended to.
    expect(res.ok_response!.headers.every((h) => h.append_action === 2)).toBe(true);
    const { payload } = await jwtVerify(headers['x-pomerium-jwt-assertion']!, signingPublicKey, {
      issuer: ISSUER,
      audience: HOST,
    });
    expect(payload.sub).toBe('u-alice');
    expect(res.ok_response!.headers_to_remove).toEqual([]);
  });

  it('removes identity headers a client sent that the answer does not set', async () => {
    const res = await check(
      checkRequest({ path: '/', headers: { ...bearer(botToken), 'x-pomerium-claim-email': 'ceo@corp.example' } }),
    );
    expect(res.status.code).toBe(0);
    expect(res.ok_response!.headers_to_remove.sort()).toEqual(['x-pomerium-claim-email', 'x-pomerium-claim-groups']);

    const pub = await check(
      checkRequest({ host: 'public.test', path: '/', headers: { 'x-pomerium-claim-sub': 'u-alice' } }),
    );
    expect(pub.status.code).toBe(0);
    expect(pub.ok_response!.headers).toEqual([]);
    expect(pub.ok_response!.headers_to_remove).toContain('x-pomerium-claim-sub');
    expect(pub.ok_response!.headers_to_remove).toContain('x-pomerium-jwt-assertion');
  });

  it('denies a request without a token with 401 and WWW-Authenticate', async () => {
    const res = await check(checkRequest({ path: '/api/items' }));
    expect(res.status.code).toBe(7);
    expect(res.http_response).toBe('denied_response');
    expect(res.denied_response!.status.code).toBe(401);
    expect(headersOf(res.denied_response!.headers)).toMatchObject({
      'www-authenticate': 'Pomerium',
      'content-type': 'application/json',
    });
    expect(JSON.parse(res.denied_response!.body)).toEqual({ error: 'missing_token' });
  });

  it('denies a revoked token (its account is gone) with 401 revoked', async () => {
    const res = await check(checkRequest({ path: '/', headers: bearer(revokedToken) }));
    expect(res.status.code).toBe(7);
    expect(res.denied_response!.status.code).toBe(401);
    expect(JSON.parse(res.denied_response!.body)).toEqual({ error: 'revoked' });
  });

  it('denies what the policy denies with 403 and its explanation', async () => {
    const res = await check(checkRequest({ path: '/admin/users', headers: bearer(token) }));
    expect(res.status.code).toBe(7);
    expect(res.denied_response!.status.code).toBe(403);
    expect(JSON.parse(res.denied_response!.body)).toMatchObject({ error: 'forbidden', explanation: 'Admins only.' });
  });

  it('denies a host without a route with 403 no_route', async () => {
    const res = await check(checkRequest({ host: 'elsewhere.test', path: '/', headers: bearer(token) }));
    expect(res.status.code).toBe(7);
    expect(res.denied_response!.status.code).toBe(403);
    expect(JSON.parse(res.denied_response!.body)).toEqual({ error: 'no_route' });
  });

  it.each(['/api/..%2Fadmin', '/admin%2Fusers', '/api\\..\\admin', 'http://app.test/admin', '*'])(
    'refuses the path %s with 400 bad_path',
    async (path) => {
      const res = await check(checkRequest({ path, headers: bearer(token) }));
      expect(res.status.code).toBe(3);
      expect(res.denied_response!.status.code).toBe(400);
      expect(JSON.parse(res.denied_response!.body)).toMatchObject({ error: 'bad_path' });
    },
  );

  it('judges dot segments as the upstream resolves them', async () => {
    const res = await check(checkRequest({ path: '/api/../admin/users', headers: bearer(token) }));
    expect(res.denied_response!.status.code).toBe(403);
    expect(JSON.parse(res.denied_response!.body)).toMatchObject({ explanation: 'Admins only.' });
  });

  it('reads the client address from X-Forwarded-For and the downstream peer with TRUSTED_PROXY_HOPS', async () => {
    const inOffice = await check(
      checkRequest({ path: '/office', headers: { ...bearer(token), 'x-forwarded-for': '10.1.2.3' } }, '10.0.0.9'),
    );
    expect(inOffice.status.code).toBe(0);
    // A client-written entry left of the trusted one is never read.
    const spoofed = await check(
      checkRequest({ path: '/office', headers: { ...bearer(token), 'x-forwarded-for': '10.1.2.3, 198.51.100.4' } }),
    );
    expect(spoofed.denied_response!.status.code).toBe(403);
    // No X-Forwarded-For: the downstream peer Envoy saw is the chain.
    const direct = await check(checkRequest({ path: '/office', headers: bearer(token) }, '10.1.2.77'));
    expect(direct.status.code).toBe(0);
  });

  it('matches a raw UTF-8 path as the HTTP endpoint reads it', async () => {
    for (const path of ['/café/menu', '/caf%C3%A9/menu']) {
      const res = await check(checkRequest({ path, headers: bearer(botToken) }));
      expect(res.status.code).toBe(0);
    }
  });

  it('reads headers sent as raw bytes (encode_raw_headers)', async () => {
    const res = await check({
      attributes: {
        request: {
          http: {
            method: 'GET',
            path: '/',
            host: HOST,
            header_map: { headers: [{ key: 'authorization', raw_value: Buffer.from(`Pomerium ${token}`) }] },
          },
        },
      },
    });
    expect(res.status.code).toBe(0);
  });

  it('answers a malformed CheckRequest with a clean denial, never an error', async () => {
    for (const request of [
      {},
      { attributes: {} },
      { attributes: { request: {} } },
      { attributes: { request: { http: { method: 'GET', host: HOST } } } },
    ]) {
      const res = await check(request);
      expect(res.status.code).toBe(3);
      expect(res.denied_response!.status.code).toBe(400);
      expect(JSON.parse(res.denied_response!.body)).toMatchObject({ error: 'no_request_description' });
    }
    const noMethod = await check({ attributes: { request: { http: { path: '/', host: HOST } } } });
    expect(JSON.parse(noMethod.denied_response!.body)).toMatchObject({ error: 'bad_method' });
    const noHost = await check({ attributes: { request: { http: { path: '/', method: 'GET' } } } });
    expect(JSON.parse(noHost.denied_response!.body)).toMatchObject({ error: 'bad_host' });
  });

  it('fails closed with 503 (UNAVAILABLE) when the replica never loaded or went stale', async () => {
    const empty = await world(null);
    const server = await startGrpcServer({ engine: empty.engine, hops: 1, log, host: '127.0.0.1', port: 0 });
    closers.push(() => server.stop());
    const c = authorizationClient(server.port);
    for (const headers of [bearer(token), {}]) {
      const res = await checkOver(c, checkRequest({ path: '/', headers }));
      expect(res.status.code).toBe(14);
      expect(res.http_response).toBe('denied_response');
      expect(res.denied_response!.status.code).toBe(503);
      expect(JSON.parse(res.denied_response!.body)).toEqual({ error: 'unavailable' });
    }

    const heard = replica.lastHeard;
    replica.lastHeard = Date.now() - 60_000;
    try {
      const res = await check(checkRequest({ path: '/', headers: bearer(token) }));
      expect(res.status.code).toBe(14);
      expect(res.denied_response!.status.code).toBe(503);
    } finally {
      replica.lastHeard = heard;
    }
  });
});

describe('ext_authz over gRPC answers as the HTTP endpoint does', () => {
  // X-Forwarded-For is set so both read the same client address: over HTTP the peer is the test, not Envoy.
  const xff = { 'x-forwarded-for': '10.1.2.3' };
  const table: [string, () => Described][] = [
    ['allowed', () => ({ path: '/api/items?page=2', headers: { ...bearer(token), ...xff } })],
    ['allowed by source address', () => ({ path: '/office/x', headers: { ...bearer(token), ...xff } })],
    ['allowed, POST', () => ({ method: 'POST', path: '/api', headers: { ...bearer(token), ...xff } })],
    ['public', () => ({ host: 'public.test', path: '/', headers: xff })],
    ['missing token', () => ({ path: '/api', headers: xff })],
    ['invalid token', () => ({ path: '/api', headers: { authorization: 'Pomerium a.b.c', ...xff } })],
    ['revoked', () => ({ path: '/', headers: { ...bearer(revokedToken), ...xff } })],
    ['policy deny', () => ({ path: '/admin', headers: { ...bearer(token), ...xff } })],
    ['source address deny', () => ({ path: '/office', headers: { ...bearer(token), 'x-forwarded-for': '10.9.9.9' } })],
    ['no route', () => ({ host: 'elsewhere.test', path: '/', headers: { ...bearer(token), ...xff } })],
    ['dot segments', () => ({ path: '/api/../admin', headers: { ...bearer(token), ...xff } })],
    ['encoded slash', () => ({ path: '/admin%2Fx', headers: { ...bearer(token), ...xff } })],
    ['bad host', () => ({ host: 'a b', path: '/', headers: { ...bearer(token), ...xff } })],
  ];

  it.each(table)('%s', async (_name, request) => {
    const r = request();
    const [g, h] = await Promise.all([check(checkRequest(r)), httpAnswer(r)]);
    if (h.status === 200) {
      expect(g.status.code).toBe(0);
      const identity = Object.entries(h.headers).filter(([k]) => k.startsWith('x-pomerium-'));
      // The HTTP answer sets every identity header, empty where there is no value; Envoy
      // gets the values to set and the empty ones to remove.
      expect(headersOf(g.ok_response!.headers)).toEqual(Object.fromEntries(identity.filter(([, v]) => v !== '')));
      expect([...g.ok_response!.headers_to_remove].sort()).toEqual(
        identity
          .filter(([, v]) => v === '')
          .map(([k]) => k)
          .sort(),
      );
    } else {
      expect(g.status.code).not.toBe(0);
      expect(g.denied_response!.status.code).toBe(h.status);
      expect(JSON.parse(g.denied_response!.body)).toEqual(JSON.parse(h.body));
      for (const [k, v] of Object.entries(headersOf(g.denied_response!.headers))) expect(h.headers[k]).toBe(v);
    }
  });
});
