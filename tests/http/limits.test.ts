// The documented limits (README: Operations → Limits) over real HTTP against the production
// build: each oversize input gets its 413, 400 or 431 with a clear message, before the
// server has taken it in, and the server still answers verify correctly afterwards.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { getPrisma } from '@/lib/db';
import { hashPassword } from '@/lib/auth/password';
import { createScimToken } from '@/lib/dal/scim-tokens';
import { createVerifier } from '@/lib/dal/verifiers';
import { createApiKey } from '@/lib/dal/api-keys';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin } from '../support/actors';
import { newAccount } from '../support/builders';
import { startServer, type RunningServer } from '../support/server';

const MB = 1024 * 1024;
let server: RunningServer;
let token: string;
let scimToken: string;
let verifierCredential: string;
let apiKey: string;
let cookie: string;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A request whose body is `declared` bytes long by its Content-Length (or chunked when
 * null) and is sent in 64 KB chunks until the server answers or `send` bytes have gone.
 * The server may close the connection before the client is done: the answer is what counts.
 */
function upload(
  path: string,
  o: { method?: string; headers?: Record<string, string>; declared: number | null; send: number },
): Promise<Reply> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request({
      host: hostname,
      port,
      path,
      method: o.method ?? 'POST',
      agent: false,
      headers: { ...o.headers, ...(o.declared === null ? {} : { 'content-length': String(o.declared) }) },
    });
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (!answered && sent < o.send && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered && !req.destroyed && (o.declared === null || sent >= o.declared)) req.end();
    };
    pump();
  });
}

/** After each refusal: the server still decides verify requests, correctly. */
async function verifyStillAnswers() {
  const ok = await fetch(`${server.url}/api/v1/verify`, {
    headers: { authorization: `Pomerium ${token}` },
    signal: AbortSignal.timeout(15_000),
  });
  expect(ok.status).toBe(200);
  const bad = await fetch(`${server.url}/api/v1/verify`, {
    headers: { authorization: `Pomerium ${token.slice(0, -4)}AAAA` },
    signal: AbortSignal.timeout(15_000),
  });
  expect(bad.status).toBe(401);
}

beforeAll(async () => {
  const admin: Actor = await makeAdmin();
  token = (await newAccount(admin, 'global')).token;
  scimToken = (await createScimToken(admin, 'limits')).token;
  verifierCredential = (await createVerifier(admin, 'limits')).credential;
  apiKey = (await createApiKey(admin, { name: 'limits', roleCap: 'admin' })).key;
  const prisma = await getPrisma();
  const person = { email: `limits-${Date.now()}@example.com`, password: 'limits test password 42' };
  const user = await prisma.user.create({
    data: { email: person.email, passwordHash: await hashPassword(person.password) },
  });
  await prisma.grant.create({ data: { namespaceId: 'global', role: 'admin', userId: user.id } });
  server = await startServer({ DATABASE_URL: process.env.DATABASE_URL, SECRET_KEY: process.env.SECRET_KEY });

  // A console session, signed in as the browser's next-auth client does.
  const csrf = await fetch(`${server.url}/api/auth/csrf`);
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(';')[0]);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signIn = await fetch(`${server.url}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie.join('; ') },
    body: new URLSearchParams({ ...person, csrfToken, json: 'true', callbackUrl: '/' }),
  });
  const session = signIn.headers.getSetCookie().map((c) => c.split(';')[0]!);
  expect(session.some((c) => c.includes('session-token='))).toBe(true);
  cookie = [...csrfCookie, ...session].join('; ');
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('limits over HTTP', () => {
  it('request headers over 16 KB: 431 from Node.js', async () => {
    const res = await fetch(`${server.url}/api/v1/verify`, {
      headers: { authorization: `Pomerium ${token}`, 'x-padding': 'a'.repeat(20_000) },
    });
    expect(res.status).toBe(431);
    await verifyStillAnswers();
  });

  it('verify endpoints: a declared body over 1 MB is 413 body_too_large, the upload not taken in', async () => {
    for (const path of ['/api/v1/verify', '/api/v1/verify/forward-auth']) {
      const res = await upload(path, {
        headers: { authorization: `Pomerium ${token}` },
        declared: 64 * MB,
        send: 2 * MB,
      });
      expect(res.status, path).toBe(413);
      expect(JSON.parse(res.body)).toEqual({ error: 'body_too_large', detail: expect.stringMatching(/1 MB/) });
    }
    await verifyStillAnswers();
  });

  it('token exchange: a body over 16 KB is 413, declared or not', async () => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    for (const declared of [64 * MB, null]) {
      const res = await upload('/api/v1/token', { headers, declared, send: 256 * 1024 });
      expect(res.status, `declared ${declared}`).toBe(413);
      expect(JSON.parse(res.body)).toEqual({
        error: 'invalid_request',
        error_description: 'The request body is larger than 16 KB.',
      });
    }
    await verifyStillAnswers();
  });

  it('REST API: a JSON body over 1 MB is 413 problem+json, declared or not', async () => {
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    for (const declared of [64 * MB, null]) {
      const res = await upload('/api/v1/namespaces', { headers, declared, send: 4 * MB });
      expect(res.status, `declared ${declared}`).toBe(413);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(JSON.parse(res.body)).toMatchObject({ status: 413, detail: 'The body is larger than 1 MB.' });
    }
    await verifyStillAnswers();
  });

  it('SCIM: a body over 1 MB is 413 with a SCIM error, declared or not', async () => {
    const headers = { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' };
    for (const declared of [64 * MB, null]) {
      const res = await upload('/scim/v2/Users', { headers, declared, send: 4 * MB });
      expect(res.status, `declared ${declared}`).toBe(413);
      expect(JSON.parse(res.body)).toMatchObject({ status: '413', detail: 'The request body exceeds 1 MB.' });
    }
    await verifyStillAnswers();
  });

  it('verifier reports: a body over 16 MB is 413, declared or not', async () => {
    const headers = { authorization: `Bearer ${verifierCredential}`, 'content-type': 'application/json' };
    for (const declared of [64 * MB, null]) {
      const res = await upload('/api/v1/verifier/accessed', { headers, declared, send: 40 * MB });
      expect(res.status, `declared ${declared}`).toBe(413);
      expect(JSON.parse(res.body)).toMatchObject({ status: 413, title: 'The report is larger than 16 MB.' });
    }
    await verifyStillAnswers();
  });

  it('sign-in: a body over 64 KB is 413 and one without a length 411, before next-auth reads it', async () => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const big = await upload('/api/auth/callback/credentials', { headers, declared: 64 * MB, send: MB });
    expect(big.status).toBe(413);
    expect(big.body).toBe('The request body is larger than 64 KB.\n');
    const chunked = await upload('/api/auth/callback/credentials', { headers, declared: null, send: MB });
    expect(chunked.status).toBe(411);
    await verifyStillAnswers();
  });

  it('server actions: a declared body over 2 MB is 413 before Next.js reads it', async () => {
    const manifest = JSON.parse(readFileSync('.next/server/server-reference-manifest.json', 'utf8')) as {
      node: Record<string, { exportedName: string }>;
    };
    const [id] = Object.entries(manifest.node).find(([, a]) => a.exportedName === 'changePasswordAction')!;
    const res = await upload('/account', {
      headers: { 'next-action': id, 'content-type': 'text/plain;charset=UTF-8', cookie },
      declared: 64 * MB,
      send: 4 * MB,
    });
    expect(res.status).toBe(413);
    expect(res.body).toBe('The request body is larger than 2 MB.\n');
    await verifyStillAnswers();
  });

  it('Change History: a filter over its length is 400; an export over 50,000 entries is 400, not a cut file', async () => {
    const csv = (query: string) => fetch(`${server.url}/api/console/history.csv${query}`, { headers: { cookie } });
    const long = await csv(`?actor=${'a'.repeat(201)}`);
    expect(long.status).toBe(400);
    expect(((await long.json()) as { title: string }).title).toBe('actor: Use at most 200 characters.');
    expect((await csv('?type=route')).status).toBe(200);

    const prisma = await getPrisma();
    await prisma.$executeRaw`
      INSERT INTO audit_events (actor_email, action, entity_type, entity_id, namespace_id)
      SELECT 'bulk@example.com', 'update', 'route', 'bulk-' || g, 'global' FROM generate_series(1, 50001) g`;
    const big = await csv('');
    expect(big.status).toBe(400);
    expect(((await big.json()) as { title: string }).title).toMatch(
      /^More than 50,000 entries match: narrow the filters/,
    );
    // Narrowed, it exports.
    const narrowed = await csv('?type=scim_token');
    expect(narrowed.status).toBe(200);
    expect((await narrowed.text()).split('\r\n').filter(Boolean)).toHaveLength(2); // header + the token made above
    await verifyStillAnswers();
  });
});
