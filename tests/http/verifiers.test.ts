// A console and two verifiers (npm run verifier) on PostgreSQL, over real HTTP. The test
// process acts as a second console instance sharing the database: its changes reach the
// console by LISTEN/NOTIFY and the verifiers by the change stream. (The same journey on
// the embedded database, through the Verifiers page, is e2e/verifiers.spec.ts.)
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { revokeServiceAccount, setServiceAccountDisabled } from '@/lib/dal/service-accounts';
import { updatePolicy } from '@/lib/dal/policies';
import { createNamespace } from '@/lib/dal/namespaces';
import { createVerifier, revokeVerifier } from '@/lib/dal/verifiers';
import { policyFormSchema } from '@/lib/schemas/policy';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin } from '../support/actors';
import { newAccount, newPolicy, newRoute } from '../support/builders';
import { uid } from '../support/helpers';
import { within } from '../support/poll';
import { freePort, startServer, type RunningServer } from '../support/server';
import { startVerifier, type RunningVerifier } from '../support/verifier';
import { proxyRequest, traefikForwardAuth } from '../support/proxies';

const STALENESS_S = 3;
let admin: Actor;
let server: RunningServer;
let port: number;
const verifiers: RunningVerifier[] = [];
let nsId: string;
let host: string;

const consoleEnv = () => ({ DATABASE_URL: process.env.DATABASE_URL, SECRET_KEY: process.env.SECRET_KEY });

beforeAll(async () => {
  admin = await makeAdmin();
  port = await freePort();
  server = await startServer(consoleEnv(), port);
  for (const name of ['edge-a', 'edge-b']) {
    const { credential } = await createVerifier(admin, `${name}-${uid()}`);
    verifiers.push(
      await startVerifier({
        POSTERN_URL: server.url,
        VERIFIER_CREDENTIAL: credential,
        VERIFIER_MAX_STALENESS: String(STALENESS_S),
      }),
    );
  }
  for (const v of verifiers) {
    const ready = await within(async () => (await fetch(`${v.url}/readyz`)).status === 200, 20_000, 50);
    expect(ready, `verifier not ready:\n${v.logs()}`).not.toBeNull();
  }
  nsId = (await createNamespace(admin, 'global', `verifiers-${uid()}`)).id;
  host = `svc-${uid()}.example.com`;
}, 120_000);

afterAll(async () => {
  await Promise.all(verifiers.map((v) => v.stop()));
  await server?.stop();
});

/** Traefik's forwardAuth call for `GET https://<host><uri>` with this token. */
const forwardAuth = (base: string, token: string | null, uri = '/api/x', method = 'GET') =>
  traefikForwardAuth(base, host, uri, token ? { authorization: `Bearer Pomerium-${token}` } : {}, method);

/** The token-only check, GET /api/v1/verify. */
const tokenCheck = (base: string, token: string) =>
  proxyRequest(base, { host: '127.0.0.1', path: '/api/v1/verify', headers: { authorization: `Pomerium ${token}` } });

/** The token check over a kept-alive connection: polling every few ms must not load the machine itself. */
const quickCheck = async (base: string, token: string) => {
  const res = await fetch(`${base}/api/v1/verify`, { headers: { authorization: `Pomerium ${token}` } });
  await res.arrayBuffer();
  return { status: res.status };
};

/** Milliseconds until every verifier answers `status` for this token (forward-auth, or the token check), or null after `ms`. */
async function allAnswer(
  token: string,
  status: number,
  ms = 2_000,
  call: (base: string, token: string) => Promise<{ status: number }> = forwardAuth,
): Promise<number | null> {
  const took = await Promise.all(
    verifiers.map((v) => within(async () => (await call(v.url, token)).status === status, ms, 2)),
  );
  return took.some((t) => t === null) ? null : Math.max(...(took as number[]));
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1]!;

describe('two verifiers follow the console', () => {
  let policyId: string;
  let allowed: { token: string; id: string };

  beforeAll(async () => {
    policyId = (await newPolicy(admin, nsId, 'allow:\n  or:\n    - http_method:\n        is: GET\n')).id;
    await newRoute(admin, nsId, `https://${host}/api`, [policyId]);
    const created = await newAccount(admin, nsId);
    allowed = { token: created.token, id: created.account.id };
  });

  it('a new account is allowed on both verifiers, with the same identity headers as the console', async () => {
    expect(await allAnswer(allowed.token, 200)).not.toBeNull();
    const fromConsole = await forwardAuth(server.url, allowed.token);
    expect(fromConsole.status).toBe(200);
    for (const v of verifiers) {
      const res = await forwardAuth(v.url, allowed.token);
      expect(res.body).toBe(fromConsole.body);
      expect(res.headers['x-pomerium-claim-sub']).toBe(fromConsole.headers['x-pomerium-claim-sub']);
      expect(res.headers['x-pomerium-jwt-assertion']).toMatch(/^ey/);
    }
  });

  it('disable → 401 on both within 100 ms; enable → 200 again', async () => {
    const { token, account } = await newAccount(admin, nsId);
    expect(await allAnswer(token, 200)).not.toBeNull();
    await setServiceAccountDisabled(admin, account.id, true);
    const took = await allAnswer(token, 401);
    expect(took, 'disable not seen').not.toBeNull();
    expect(took!).toBeLessThan(100);
    await setServiceAccountDisabled(admin, account.id, false);
    expect(await allAnswer(token, 200)).not.toBeNull();
  });

  it('a policy change → 403 on both within 100 ms', async () => {
    const { token } = await newAccount(admin, nsId);
    const own = (await newPolicy(admin, nsId, 'allow:\n  or:\n    - accept: true\n')).id;
    const h2 = `own-${uid()}.example.com`;
    await newRoute(admin, nsId, `https://${h2}`, [own]);
    const call = (base: string) =>
      proxyRequest(base, {
        host: '127.0.0.1',
        path: '/api/v1/verify/forward-auth',
        headers: {
          'x-forwarded-method': 'GET',
          'x-forwarded-host': h2,
          'x-forwarded-uri': '/',
          authorization: `Bearer Pomerium-${token}`,
        },
      });
    for (const v of verifiers)
      expect(await within(async () => (await call(v.url)).status === 200, 2000)).not.toBeNull();
    await updatePolicy(
      admin,
      own,
      policyFormSchema.parse({
        name: `deny-${uid()}`,
        description: '',
        enforced: false,
        explanation: 'Closed for maintenance.',
        remediation: '',
        ppl: 'deny:\n  or:\n    - accept: true\n',
      }),
    );
    const took = await Promise.all(
      verifiers.map((v) => within(async () => (await call(v.url)).status === 403, 2000, 2)),
    );
    expect(took).not.toContain(null);
    expect(Math.max(...(took as number[]))).toBeLessThan(100);
    expect(JSON.parse((await call(verifiers[0]!.url)).body)).toMatchObject({ explanation: 'Closed for maintenance.' });
  });

  it('50 revokes reach both verifiers within 100 ms p99', async () => {
    const accounts = [];
    for (let i = 0; i < 50; i++) accounts.push(await newAccount(admin, nsId));
    for (const a of accounts) expect(await allAnswer(a.token, 200, 5000)).not.toBeNull();
    const times: number[] = [];
    for (const a of accounts) {
      await revokeServiceAccount(admin, a.account.id); // resolves once committed
      const took = await allAnswer(a.token, 401, 2_000, quickCheck);
      expect(took, 'revoke not seen within 2 s').not.toBeNull();
      times.push(took!);
    }
    const p50 = percentile(times, 50);
    const p99 = percentile(times, 99);
    console.log(
      `revoke → 401 on both verifiers, 50 revokes: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`,
    );
    expect(p99).toBeLessThan(100);
  });

  it('the console and both verifiers give identical answers over a table of requests', async () => {
    const pub = `pub-${uid()}.example.com`;
    await newRoute(admin, nsId, `https://${pub}/open`, [
      (await newPolicy(admin, nsId, 'allow:\n  or:\n    - accept: true\n')).id,
    ]);
    const other = await createNamespace(admin, 'global', `other-${uid()}`);
    const outsider = await newAccount(admin, other.id);
    const disabled = await newAccount(admin, nsId);
    await setServiceAccountDisabled(admin, disabled.account.id, true);
    const revoked = await newAccount(admin, nsId);
    await revokeServiceAccount(admin, revoked.account.id);
    const tokens: [string, Record<string, string>][] = [
      ['valid', { authorization: `Bearer Pomerium-${allowed.token}` }],
      ['valid (Pomerium scheme)', { authorization: `Pomerium ${allowed.token}` }],
      ['valid (x-pomerium-authorization)', { 'x-pomerium-authorization': allowed.token }],
      ['outsider', { authorization: `Bearer Pomerium-${outsider.token}` }],
      ['disabled', { authorization: `Bearer Pomerium-${disabled.token}` }],
      ['revoked', { authorization: `Bearer Pomerium-${revoked.token}` }],
      ['garbage', { authorization: 'Bearer Pomerium-a.b.c' }],
      ['none', {}],
    ];
    const requests: { name: string; path: string; host: string; method?: string; headers: Record<string, string> }[] =
      [];
    for (const [t, auth] of tokens) {
      requests.push({ name: `token ${t}`, path: '/api/v1/verify', host: '127.0.0.1', headers: auth });
      for (const [uri, method] of [
        ['/api/x', 'GET'],
        ['/api/x', 'POST'],
        ['/api/../x', 'GET'],
        ['/elsewhere', 'GET'],
      ] as const) {
        requests.push({
          name: `forward-auth ${t} ${method} ${uri}`,
          path: '/api/v1/verify/forward-auth',
          host: '127.0.0.1',
          headers: { ...auth, 'x-forwarded-method': method, 'x-forwarded-host': host, 'x-forwarded-uri': uri },
        });
      }
      requests.push({
        name: `auth-request ${t}`,
        path: '/api/v1/verify/auth-request',
        host: '127.0.0.1',
        headers: { ...auth, 'x-original-url': `https://${host}/api/y?q=1`, 'x-original-method': 'GET' },
      });
      requests.push({ name: `ext-authz ${t}`, path: '/api/v1/verify/ext-authz/api/z', host, headers: auth });
      requests.push({
        name: `ext-authz public ${t}`,
        path: '/api/v1/verify/ext-authz/open/a',
        host: pub,
        headers: auth,
      });
    }
    requests.push(
      { name: 'ext-authz bad path', path: '/api/v1/verify/ext-authz/api/%2e%2e%2Fx', host, headers: {} },
      { name: 'forward-auth undescribed', path: '/api/v1/verify/forward-auth', host, headers: {} },
      {
        name: 'forward-auth bad host',
        path: '/api/v1/verify/forward-auth',
        host,
        headers: { 'x-forwarded-method': 'GET', 'x-forwarded-host': 'a b', 'x-forwarded-uri': '/' },
      },
      { name: 'unknown endpoint', path: '/api/v1/verify/whatever', host, headers: {} },
      {
        name: 'token endpoint with a proxy description',
        path: '/api/v1/verify',
        host,
        headers: { 'x-forwarded-uri': '/' },
      },
      { name: 'HEAD', path: '/api/v1/verify', host, method: 'HEAD', headers: tokens[0]![1] },
    );
    expect(requests.length).toBeGreaterThanOrEqual(50);
    // What a proxy acts on: the decision's own headers. (The console adds its site-wide
    // security headers too; the assertion differs by its jti and iat, so only its presence counts.)
    const decision = (h: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(h)
          .filter(([k]) => /^(content-type|cache-control|www-authenticate|retry-after|x-pomerium-.*)$/.test(k))
          .map(([k, v]) => [k, k === 'x-pomerium-jwt-assertion' ? typeof v : v]),
      );
    for (const r of requests) {
      const expected = await proxyRequest(server.url, r);
      for (const v of verifiers) {
        const got = await proxyRequest(v.url, r);
        expect({ status: got.status, body: got.body }, r.name).toEqual({
          status: expected.status,
          body: expected.body,
        });
        expect(decision(got.headers), r.name).toEqual(decision(expected.headers));
      }
    }
  });
});

describe('verifier credentials', () => {
  it('a revoked credential is refused, and a verifier holding it never becomes ready', async () => {
    const { id, credential } = await createVerifier(admin, `gone-${uid()}`);
    await revokeVerifier(admin, id);
    const res = await fetch(`${server.url}/api/v1/verifier/snapshot`, {
      headers: { authorization: `Bearer ${credential}`, 'x-postern-verifier-key': 'x' },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const v = await startVerifier({ POSTERN_URL: server.url, VERIFIER_CREDENTIAL: credential });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      expect((await fetch(`${v.url}/readyz`)).status).toBe(503);
      expect((await forwardAuth(v.url, 'x')).status).toBe(503);
    } finally {
      await v.stop();
    }
  });

  it('no credential, no state: snapshot and stream answer 401', async () => {
    for (const p of ['snapshot', 'stream?since=0']) {
      expect((await fetch(`${server.url}/api/v1/verifier/${p}`)).status).toBe(401);
    }
    const accessed = await fetch(`${server.url}/api/v1/verifier/accessed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [crypto.randomUUID()] }),
    });
    expect(accessed.status).toBe(401);
  });
});

describe('the console goes away and comes back', () => {
  it('verifiers keep deciding from memory, answer 503 after the staleness limit, and recover within 2 s', async () => {
    const { token } = await newAccount(admin, nsId);
    expect(await allAnswer(token, 200, 2_000, tokenCheck)).not.toBeNull();
    await server.stop();
    const stoppedAt = performance.now();
    for (const v of verifiers) expect((await tokenCheck(v.url, token)).status).toBe(200);
    const unavailable = await allAnswer(token, 503, (STALENESS_S + 3) * 1000, tokenCheck);
    expect(unavailable, 'verifiers never failed closed').not.toBeNull();
    expect(performance.now() - stoppedAt).toBeGreaterThan((STALENESS_S - 0.5) * 1000);
    for (const v of verifiers) expect((await fetch(`${v.url}/readyz`)).status).toBe(503);
    server = await startServer(consoleEnv(), port);
    const back = await allAnswer(token, 200, 2_000, tokenCheck);
    expect(back, 'verifiers did not recover within 2 s of the console').not.toBeNull();
  }, 90_000);
});
