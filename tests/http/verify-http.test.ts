// The verify endpoint over real HTTP, served by the production build, on PostgreSQL. The
// test process acts as a second console instance sharing the database.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { revokeServiceAccount } from '@/lib/dal/service-accounts';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin } from '../support/actors';
import { startRelay, startServer, type RunningServer } from '../support/server';
import { within } from '../support/poll';
import { newAccount } from '../support/builders';

let admin: Actor;
let server: RunningServer;
let relay: Awaited<ReturnType<typeof startRelay>>;

beforeAll(async () => {
  admin = await makeAdmin(); // also applies the migrations from this process
  relay = await startRelay();
  const url = new URL(process.env.DATABASE_URL!);
  url.port = String(relay.port);
  server = await startServer({ DATABASE_URL: url.toString(), SECRET_KEY: process.env.SECRET_KEY });
}, 90_000);

afterAll(async () => {
  await server?.stop();
  await relay?.cut();
});

const call = (token: string, init: RequestInit = {}) =>
  fetch(`${server.url}/api/v1/verify`, {
    ...init,
    headers: { authorization: `Bearer Pomerium-${token}`, ...(init.headers ?? {}) },
  });

describe('verify over HTTP', () => {
  it('accepts a token minted by another instance, for every method', async () => {
    const { token } = await newAccount(admin, 'global');
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      expect((await call(token, { method })).status, method).toBe(200);
    }
    const head = await call(token, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('sees a revocation made by another instance within 5 s', async () => {
    const { account, token } = await newAccount(admin, 'global');
    expect((await call(token)).status).toBe(200);
    await revokeServiceAccount(admin, account.id);
    const took = await within(async () => (await call(token)).status === 401, 5000, 100);
    expect(took, 'revocation not seen within 5 s').not.toBeNull();
    expect(await (await call(token)).json()).toEqual({ error: 'revoked' });
  });

  it('never answers 5xx to client input', async () => {
    const nasty = [
      '',
      'Pomerium',
      `Pomerium ${'x'.repeat(60_000)}`,
      'Bearer Pomerium-a.b.c',
      'Pomerium e30.e30.',
      'Pomerium %%%.%%%.%%%',
      'Pomerium eyJhbGciOiJub25lIn0.e30.',
    ];
    for (const value of nasty) {
      const res = await fetch(`${server.url}/api/v1/verify`, { headers: { authorization: value } });
      // Node's HTTP parser itself answers 431 to headers over 16 KB; everything else reaches us: 401.
      expect(value.length > 16_000 ? [431] : [401], value.slice(0, 40)).toContain(res.status);
    }
    const body = await fetch(`${server.url}/api/v1/verify`, { method: 'POST', body: 'x'.repeat(100_000) });
    expect(body.status).toBe(401);
  });

  it('publishes the JWKS with an ETag and max-age, and answers 304 to a matching If-None-Match', async () => {
    const res = await fetch(`${server.url}/.well-known/pomerium/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    const jwks = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const k of jwks.keys) {
      expect(k).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
      expect(k.d).toBeUndefined();
    }
    const again = await fetch(`${server.url}/.well-known/pomerium/jwks.json`, {
      headers: { 'if-none-match': res.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('fails closed with 503 while the database is unreachable, and recovers', async () => {
    const { token } = await newAccount(admin, 'global');
    expect((await call(token)).status).toBe(200);
    await relay.cut();
    try {
      const took = await within(async () => (await call(token)).status === 503, 15_000, 100);
      expect(took, 'did not fail closed').not.toBeNull();
      expect(await (await call(token)).json()).toEqual({ error: 'unavailable' });
      const health = await fetch(`${server.url}/api/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'unavailable', database: 'unavailable' });
      // Alive (no restart needed), not ready (no traffic): which checks fail is said.
      expect((await fetch(`${server.url}/api/health/live`)).status).toBe(200);
      const ready = await fetch(`${server.url}/api/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        status: 'not_ready',
        checks: { shutdown: { status: 'ok' }, database: { status: 'fail' }, cache: { status: 'fail' } },
      });
    } finally {
      await relay.restore();
    }
    expect(await within(async () => (await call(token)).status === 200, 15_000, 100)).not.toBeNull();
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect(
      await within(async () => (await fetch(`${server.url}/api/health/ready`)).status === 200, 15_000, 100),
    ).not.toBeNull();
  }, 60_000);

  it('console pages need a session; the server log holds no token', async () => {
    const res = await fetch(`${server.url}/ns/global`, { redirect: 'manual' });
    expect([302, 303, 307]).toContain(res.status);
    expect(res.headers.get('location')).toMatch(/\/signin/);
    const { token } = await newAccount(admin, 'global');
    await call(token);
    await call(`${token.slice(0, -2)}xx`);
    expect(server.logs()).not.toContain(token.split('.')[2]);
    expect(server.logs()).not.toContain(token.split('.')[1]);
  });
});
