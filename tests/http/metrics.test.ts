// Prometheus metrics and the decision log, over real HTTP, on the console (/metrics with
// METRICS_TOKEN) and on a verifier (its own metrics port): a known sequence of decisions,
// then the counters a scrape shows and the log lines each decision wrote.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createNamespace } from '@/lib/dal/namespaces';
import { createVerifier } from '@/lib/dal/verifiers';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin } from '../support/actors';
import { newAccount, newPolicy, newRoute } from '../support/builders';
import { uid } from '../support/helpers';
import { within } from '../support/poll';
import { freePort, startServer, type RunningServer } from '../support/server';
import { startVerifier, type RunningVerifier } from '../support/verifier';
import { traefikForwardAuth } from '../support/proxies';

const METRICS_TOKEN = `metrics-${uid()}-${uid()}`;
let admin: Actor;
let server: RunningServer;
let verifier: RunningVerifier;
let metricsUrl: string;
let host: string;
let allowed: { token: string; id: string; userId: string };
let refused: { token: string; id: string };

beforeAll(async () => {
  admin = await makeAdmin();
  server = await startServer({
    DATABASE_URL: process.env.DATABASE_URL,
    SECRET_KEY: process.env.SECRET_KEY,
    METRICS_TOKEN,
    DECISION_LOG: 'all',
  });
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const { credential } = await createVerifier(admin, `metrics-${uid()}`);
  verifier = await startVerifier({
    POSTERN_URL: server.url,
    VERIFIER_CREDENTIAL: credential,
    VERIFIER_METRICS_PORT: String(metricsPort),
    DECISION_LOG: 'all',
  });
  const ns = (await createNamespace(admin, 'global', `metrics-${uid()}`)).id;
  host = `metrics-${uid()}.example.com`;
  const policy = await newPolicy(admin, ns, 'allow:\n  or:\n    - user:\n        starts_with: ok-\n');
  await newRoute(admin, ns, `https://${host}/api`, [policy.id]);
  const a = await newAccount(admin, ns, { userId: `ok-${uid()}` });
  allowed = { token: a.token, id: a.account.id, userId: a.account.userId };
  const b = await newAccount(admin, ns, { userId: `no-${uid()}` });
  refused = { token: b.token, id: b.account.id };
  const ready = await within(async () => (await fetch(`${verifier.url}/readyz`)).status === 200, 20_000, 50);
  expect(ready, verifier.logs()).not.toBeNull();
  // The accounts were made after the verifier's snapshot: wait until it has them.
  expect(await within(async () => (await call(verifier.url, allowed.token)).status === 200, 5_000, 20)).not.toBeNull();
}, 120_000);

afterAll(async () => {
  await verifier?.stop();
  await server?.stop();
});

const call = (base: string, token: string | null, uri = '/api/x', h = host) =>
  traefikForwardAuth(base, h, uri, token ? { authorization: `Bearer Pomerium-${token}` } : {});

/** The value of one sample line, e.g. `postern_decisions_total{result="allow",...}`, or 0. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.indexOf('}'));
    const got = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

/** Sends the known sequence to `base`: 3 allowed, 2 forbidden, 1 without a token, 1 invalid, 1 on no route. */
async function sequence(base: string) {
  for (let i = 0; i < 3; i++) expect((await call(base, allowed.token)).status).toBe(200);
  for (let i = 0; i < 2; i++) expect((await call(base, refused.token)).status).toBe(403);
  expect((await call(base, null)).status).toBe(401);
  expect((await call(base, `${allowed.token.slice(0, -4)}AAAA`)).status).toBe(401);
  expect((await call(base, allowed.token, '/x', `nowhere-${uid()}.example.com`)).status).toBe(403);
}

const counters = (text: string) => ({
  allow: sample(text, 'postern_decisions_total', { result: 'allow', reason: 'allow', family: 'forward-auth' }),
  forbidden: sample(text, 'postern_decisions_total', { result: 'deny', reason: 'forbidden', family: 'forward-auth' }),
  missing: sample(text, 'postern_decisions_total', { result: 'deny', reason: 'missing_token', family: 'forward-auth' }),
  invalid: sample(text, 'postern_decisions_total', { result: 'deny', reason: 'invalid_token', family: 'forward-auth' }),
  noRoute: sample(text, 'postern_decisions_total', { result: 'deny', reason: 'no_route', family: 'forward-auth' }),
  timed: sample(text, 'postern_decision_duration_seconds_count', { family: 'forward-auth' }),
});

describe('console /metrics', () => {
  it('needs the bearer token', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('counts a known sequence of decisions by result, reason and family, and times them', async () => {
    const scrape = async () => {
      const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      return res.text();
    };
    const before = counters(await scrape());
    await sequence(server.url);
    const text = await scrape();
    const after = counters(text);
    expect({
      allow: after.allow - before.allow,
      forbidden: after.forbidden - before.forbidden,
      missing: after.missing - before.missing,
      invalid: after.invalid - before.invalid,
      noRoute: after.noRoute - before.noRoute,
      timed: after.timed - before.timed,
    }).toEqual({ allow: 3, forbidden: 2, missing: 1, invalid: 1, noRoute: 1, timed: 8 });
    // What only the console knows, and the process itself.
    expect(sample(text, 'postern_service_accounts', { state: 'active' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'postern_db_pool_connections', { state: 'max' })).toBe(10);
    expect(text).toMatch(/^postern_state_version \d+/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    // Bounded labels: no account, user, host or path ever becomes a label value.
    for (const secret of [allowed.id, allowed.userId, host, '/api/x']) expect(text).not.toContain(secret);
  });

  it('logs each decision once, with its reason and identity, never the token', async () => {
    const lines = () =>
      server
        .logs()
        .split('\n')
        .filter((l) => l.includes('"authorize check"') && l.includes(host))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    // Buffered: flushed at least every second.
    const seen = await within(async () => lines().length >= 7, 5_000, 100);
    expect(seen, server.logs().slice(-2000)).not.toBeNull();
    const allow = lines().find((l) => l.allow === true)!;
    expect(allow).toMatchObject({
      service: 'console',
      family: 'forward-auth',
      method: 'GET',
      host,
      path: '/api/x',
      'service-account-id': allowed.id,
      user: allowed.userId,
      allow: true,
      deny: false,
      status: 200,
      reason: 'allow',
    });
    expect(typeof allow['route-id']).toBe('string');
    expect(typeof allow['duration-ms']).toBe('number');
    expect(lines().find((l) => l.reason === 'forbidden')).toMatchObject({ status: 403, deny: true });
    expect(server.logs()).not.toContain(allowed.token.split('.')[2]);
    expect(server.logs()).not.toContain(refused.token.split('.')[2]);
  });
});

describe('verifier metrics port', () => {
  it('counts the same sequence, and reports its cache and how fresh its state is', async () => {
    const scrape = async () => {
      const res = await fetch(metricsUrl);
      expect(res.status).toBe(200);
      return res.text();
    };
    const before = counters(await scrape());
    await sequence(verifier.url);
    const text = await scrape();
    const after = counters(text);
    expect(after.allow - before.allow).toBe(3);
    expect(after.forbidden - before.forbidden).toBe(2);
    expect(after.missing - before.missing).toBe(1);
    expect(after.invalid - before.invalid).toBe(1);
    expect(after.noRoute - before.noRoute).toBe(1);
    expect(sample(text, 'postern_verify_cache_requests_total', { cache: 'token', result: 'hit' })).toBeGreaterThan(0);
    const age = Number(/^postern_state_age_seconds (\S+)/m.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(5); // heartbeats every 2 s
    // The verifier answers nothing about metrics on its traffic port.
    expect((await fetch(`${verifier.url}/metrics`)).status).toBe(404);
    const logged = () =>
      verifier
        .logs()
        .split('\n')
        .filter((l) => l.includes('"authorize check"') && l.includes(host)).length;
    // Buffered: flushed at least every second.
    expect(await within(async () => logged() >= 7, 5_000, 100), verifier.logs().slice(-1500)).not.toBeNull();
    expect(verifier.logs()).not.toContain(allowed.token.split('.')[2]);
  });
});
