// Each proxy family's endpoint over real HTTP against the production build, called the
// way Traefik (forwardAuth) and Envoy (ext_authz, HTTP service) call it: neither binary is
// installed here, so these clients send exactly what those proxies send. Raw requests
// (node:http), since fetch would normalise the very paths under test.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createNamespace } from '@/lib/dal/namespaces';
import { makeAdmin } from '../support/actors';
import { startConsole, type RunningServer } from '../support/server';
import { newAccount, newGuardedRoute } from '../support/builders';
import { proxyRequest, traefikForwardAuth } from '../support/proxies';
import { uid } from '../support/helpers';

let server: RunningServer;
const host = `svc-${uid()}.example.test`;
let token: string;

beforeAll(async () => {
  const admin = await makeAdmin();
  server = await startConsole();
  const ns = await createNamespace(admin, 'global', `ep-${uid()}`);
  ({ token } = await newAccount(admin, ns.id));
  const route = (path: string, ppl: string) => newGuardedRoute(admin, ns.id, `https://${host}${path}`, ppl);
  await route('', 'allow:\n  and:\n    - authenticated_user: true\n    - http_method: GET\n');
  await route('/pub', 'allow:\n  or:\n    - accept: true\n');
  await route('/ip', 'allow:\n  or:\n    - source_ip: 10.1.2.0/24\n');
  // Wait until the server sees the routes (cache_epoch poll, about a second).
  for (let i = 0; i < 100 && (await envoy('/pub/x')).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
}, 90_000);

afterAll(async () => {
  await server?.stop();
});

const auth = () => ({ authorization: `Bearer Pomerium-${token}` });
/** Envoy's HTTP ext_authz: path_prefix + the original path, the original Host and method. */
const envoy = (original: string, opts: { method?: string; headers?: Record<string, string> } = {}) =>
  proxyRequest(server.url, {
    host,
    path: `/api/v1/verify/ext-authz${original}`,
    method: opts.method,
    headers: opts.headers,
  });
/** Traefik's forwardAuth: X-Forwarded-Method, -Proto, -Host, -Uri, -For (the client it saw). */
const traefik = (uri: string, headers: Record<string, string> = {}, method = 'GET') =>
  traefikForwardAuth(server.url, host, uri, headers, method);
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe('Envoy ext_authz: the appended path is judged as Envoy sent it', () => {
  it.each([
    ['/pub/x', 200],
    ['/pub/', 200],
    ['/pub', 200],
    ['//pub/x', 200],
    ['/x/../pub/x', 200],
    ['/pub/../x', 401],
    ['/pub/%2e%2e/x', 401],
    ['//x', 401],
    ['/x/', 401],
    ['/publicity', 401],
  ] as const)('%s → %i (no redirect, no framework normalisation)', async (original, status) => {
    const res = await envoy(original);
    expect(res.status, res.body).toBe(status);
  });

  it.each(['/pub/..%2Fx', '/pub%2F..%2Fx', '/pub/x;y', '/a%00', '/a%zz'])('%s → 400 bad_path', async (original) => {
    const res = await envoy(original);
    expect(res.status).toBe(400);
    expect(json(res.body)).toMatchObject({ error: 'bad_path' });
  });

  it('the original method is judged (POST refused by a GET-only policy)', async () => {
    expect((await envoy('/things', { headers: auth() })).status).toBe(200);
    expect((await envoy('/things', { method: 'POST', headers: auth() })).status).toBe(403);
  });

  it('a client cannot smuggle a path or a peer through the stamp headers', async () => {
    const res = await envoy('/x', { headers: { 'x-postern-ext-authz-path': '/pub/x', 'x-postern-peer': '10.1.2.3' } });
    expect(res.status).toBe(401);
    const direct = await proxyRequest(server.url, {
      host,
      path: '/api/v1/verify/ext-authz',
      headers: { 'x-postern-ext-authz-path': '/pub/x' },
    });
    expect(direct.status).toBe(400);
    expect(json(direct.body)).toMatchObject({ error: 'no_request_description' });
  });
});

describe('Traefik forwardAuth', () => {
  it('reads X-Forwarded-* and judges the canonical path', async () => {
    expect((await traefik('/pub/x')).status).toBe(200);
    expect((await traefik('/pub/../x')).status).toBe(401);
    expect((await traefik('/x', auth())).status).toBe(200);
    expect((await traefik('/x', auth(), 'DELETE')).status).toBe(403);
  });

  it('ignores nginx-style headers a client adds', async () => {
    const res = await traefik('/x', { 'x-original-url': `https://${host}/pub/x`, 'x-original-method': 'GET' });
    expect(res.status).toBe(401);
  });

  it('source_ip reads the rightmost X-Forwarded-For entry (the address Traefik saw)', async () => {
    expect((await traefik('/ip/x', { 'x-forwarded-for': '10.1.2.3' })).status).toBe(200);
    expect((await traefik('/ip/x', { 'x-forwarded-for': '10.1.2.3, 203.0.113.7' })).status).toBe(401);
    expect((await traefik('/ip/x', { 'x-forwarded-for': 'garbage' })).status).toBe(401);
  });
});

describe('no description, no decision', () => {
  it.each(['/api/v1/verify/forward-auth', '/api/v1/verify/auth-request', '/api/v1/verify/ext-authz'])(
    '%s without its headers → 400 no_request_description, even with a valid token',
    async (p) => {
      const res = await proxyRequest(server.url, { host, path: p, headers: auth() });
      expect(res.status).toBe(400);
      expect(json(res.body)).toMatchObject({ error: 'no_request_description' });
    },
  );

  it('the token-only endpoint answers programmatic callers and refuses proxy descriptions', async () => {
    expect((await proxyRequest(server.url, { host, path: '/api/v1/verify', headers: auth() })).status).toBe(200);
    const res = await proxyRequest(server.url, {
      host,
      path: '/api/v1/verify',
      headers: { ...auth(), 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET' },
    });
    expect(res.status).toBe(400);
    expect(json(res.body)).toMatchObject({ error: 'proxy_endpoint_required' });
  });

  it('an old Envoy path under /api/v1/verify/ is not an endpoint: 404, never 200', async () => {
    const res = await proxyRequest(server.url, { host, path: '/api/v1/verify/pub/x', headers: auth() });
    expect(res.status).toBe(404);
  });

  it('malformed descriptions get a 4xx with a JSON code, never a 5xx', async () => {
    const cases: Record<string, string>[] = [
      { 'x-forwarded-method': 'GET', 'x-forwarded-host': 'a,b', 'x-forwarded-uri': '/' },
      { 'x-forwarded-method': 'G E T', 'x-forwarded-host': host, 'x-forwarded-uri': '/' },
      { 'x-forwarded-method': 'GET', 'x-forwarded-host': host, 'x-forwarded-uri': 'http://evil/' },
      { 'x-forwarded-method': 'GET', 'x-forwarded-host': host, 'x-forwarded-uri': '/\u00ff\u00fe' },
    ];
    for (const headers of cases) {
      const res = await proxyRequest(server.url, { host: '127.0.0.1', path: '/api/v1/verify/forward-auth', headers });
      expect(res.status, JSON.stringify(headers)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(headers)).toBeLessThan(500);
      expect(typeof json(res.body).error).toBe('string');
    }
  });
});
