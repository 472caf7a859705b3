// Graceful restart under load (issue 15): the production build, on PGlite and on
// PostgreSQL, gets SIGTERM while verify traffic and SCIM writes are in flight. Requests the
// server had received finish with a correct answer, readiness turns 503, the `accessed` and
// usage batches reach the database, the process exits 0, the port is free again, and the
// embedded database's directory was shut down cleanly and opens again without recovery.
// FAULT_SUITE=short (npm test) drives less traffic; `npm run test:faults` the full amount.
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createScratchDatabase, dropScratchDatabase } from '../support/scratch-database.mjs';
import { freePort, startServer, type RunningServer } from '../support/server';

const SHORT = process.env.FAULT_SUITE === 'short';
/** How long traffic runs before the signal, and how many clients send it. */
const LOAD_MS = SHORT ? 600 : 3000;
const VERIFY_CLIENTS = SHORT ? 4 : 12;
const SLOW_WRITES = SHORT ? 2 : 4;
const SECRET_KEY = 'graceful-shutdown-secret-key-0123456789abcdef';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

interface Seed {
  scimToken: string;
  host: string;
  allowed: { id: string; token: string };
  refused: { id: string; token: string };
  revoked: { id: string; token: string };
}

async function seed(env: Record<string, string | undefined>): Promise<Seed> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=react-server', '--import', 'tsx', 'tests/faults/graceful-shutdown.seed.ts'],
    { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as Seed;
}

/** pg_control's cluster state (PostgreSQL's DBState): 1 = shut down cleanly, 6 = in production (needs recovery). */
function clusterState(pgdata: string): number {
  return readFileSync(path.join(pgdata, 'global', 'pg_control')).readInt32LE(16);
}
const DB_SHUTDOWNED = 1;

type Outcome =
  | { kind: 'answer'; what: string; status: number; expected: number[]; at: number }
  | { kind: 'error'; what: string; code: string; at: number };

/** One verify call: which token, at which endpoint, and the answers that are correct for it. */
function verifyCalls(s: Seed) {
  const forward = (token: string) => ({
    path: '/api/v1/verify/forward-auth',
    headers: {
      authorization: `Pomerium ${token}`,
      'x-forwarded-host': s.host,
      'x-forwarded-uri': '/x',
      'x-forwarded-method': 'GET',
    },
  });
  return [
    {
      what: 'allowed, token only',
      path: '/api/v1/verify',
      headers: { authorization: `Pomerium ${s.allowed.token}` },
      expected: [200],
    },
    { what: 'allowed on the route', ...forward(s.allowed.token), expected: [200] },
    { what: 'refused by the policy', ...forward(s.refused.token), expected: [403] },
    { what: 'revoked', ...forward(s.revoked.token), expected: [401] },
  ];
}

const errorCode = (err: unknown) => {
  const e = err as { cause?: { code?: string; message?: string }; code?: string; message?: string };
  return e?.cause?.code ?? e?.code ?? e?.cause?.message ?? e?.message ?? String(err);
};

/**
 * A SCIM create whose headers reach the server (it answers 100 Continue: the request is
 * accepted and in its hands) before `send()` dribbles the body over a few hundred ms.
 */
async function slowScimCreate(url: string, token: string, userName: string) {
  const body = Buffer.from(JSON.stringify({ schemas: [USER], userName, emails: [{ value: userName, primary: true }] }));
  const { hostname, port } = new URL(url);
  const req = http.request({
    host: hostname,
    port,
    method: 'POST',
    path: '/scim/v2/Users',
    agent: false,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/scim+json',
      'content-length': body.length,
      expect: '100-continue',
    },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
  });
  await once(req, 'continue');
  return {
    answer,
    send: async () => {
      const third = Math.ceil(body.length / 3);
      for (let i = 0; i < body.length; i += third) {
        req.write(body.subarray(i, i + third));
        await new Promise((r) => setTimeout(r, 150));
      }
      req.end();
      return answer;
    },
  };
}

/**
 * A readiness request whose header section is held open until `finish()`: the connection is
 * busy (not idle) when the signal arrives, so the answer shows what the draining server says.
 */
async function heldReadiness(url: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  // HTTP/1.0: the answer is not chunked, the connection closes after it.
  socket.write(`GET /api/health/ready HTTP/1.0\r\nHost: ${hostname}\r\n`);
  let raw = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    raw += d;
  });
  const closed = once(socket, 'close');
  return {
    finish: async () => {
      socket.write('Connection: close\r\n\r\n');
      await closed;
      const [head = '', body = ''] = raw.split('\r\n\r\n');
      return { status: Number(head.split(' ')[1]), body };
    },
  };
}

async function portIsFree(port: number): Promise<boolean> {
  const srv = createServer();
  return new Promise((resolve) => {
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

interface Database {
  env: Record<string, string | undefined>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  cleanup(): Promise<void>;
}

async function pgliteDatabase(): Promise<Database & { dataDir: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'postern-shutdown-'));
  return {
    dataDir,
    env: { DATA_DIR: dataDir, DATABASE_URL: undefined, SECRET_KEY },
    query: async <T>(sql: string, params?: unknown[]) => {
      const db = new PGlite(path.join(dataDir, 'pglite'));
      try {
        return (await db.query<T>(sql, params)).rows;
      } finally {
        await db.close();
      }
    },
    cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function postgresDatabase(): Promise<Database> {
  const name = `postern_shutdown_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  const url = await createScratchDatabase(name);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'postern-shutdown-'));
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url, SECRET_KEY },
    query: async <T>(sql: string, params?: unknown[]) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    },
    cleanup: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await dropScratchDatabase(name);
    },
  };
}

describe.each(['pglite', 'postgres'] as const)('graceful restart under load (%s)', (kind) => {
  it('finishes what was in flight, flushes the batches, closes the database, exits 0 and frees the port', async () => {
    const db = kind === 'pglite' ? await pgliteDatabase() : await postgresDatabase();
    let server: RunningServer | undefined;
    let again: RunningServer | undefined;
    try {
      const port = await freePort();
      const s = await seed({ ...db.env, POSTERN_URL: `http://127.0.0.1:${port}` });
      server = await startServer({ ...db.env, SHUTDOWN_TIMEOUT_MS: '30000' }, port);
      const ready = await fetch(`${server.url}/api/health/ready`);
      expect(ready.status).toBe(200);
      expect(ready.headers.get('cache-control')).toBe('no-store');
      expect(await ready.json()).toEqual({
        status: 'ready',
        checks: {
          shutdown: { status: 'ok' },
          database: { status: 'ok' },
          migrations: { status: 'ok', pending: 0 },
          cache: { status: 'ok', lastSyncAgoMs: expect.any(Number) },
        },
      });

      const outcomes: Outcome[] = [];
      let killedAt = Number.POSITIVE_INFINITY;
      let exited = false;
      const calls = verifyCalls(s);
      const base = server.url;
      const verifyClient = async (n: number) => {
        for (let i = n; !exited; i++) {
          const call = calls[i % calls.length]!;
          try {
            const res = await fetch(`${base}${call.path}`, { headers: call.headers });
            await res.arrayBuffer();
            outcomes.push({
              kind: 'answer',
              what: call.what,
              status: res.status,
              expected: call.expected,
              at: Date.now(),
            });
          } catch (err) {
            outcomes.push({ kind: 'error', what: call.what, code: errorCode(err), at: Date.now() });
            if (Date.now() >= killedAt) return; // the server is going away: this client stops
          }
        }
      };
      const created: string[] = [];
      const scimClient = async () => {
        for (let i = 0; !exited; i++) {
          const userName = `load-${i}-${Math.random().toString(36).slice(2, 8)}@example.com`;
          try {
            const res = await fetch(`${base}/scim/v2/Users`, {
              method: 'POST',
              headers: { authorization: `Bearer ${s.scimToken}`, 'content-type': 'application/scim+json' },
              body: JSON.stringify({ schemas: [USER], userName }),
            });
            const body = (await res.json()) as { id?: string };
            outcomes.push({ kind: 'answer', what: 'SCIM create', status: res.status, expected: [201], at: Date.now() });
            if (res.status === 201 && body.id) created.push(body.id);
          } catch (err) {
            outcomes.push({ kind: 'error', what: 'SCIM create', code: errorCode(err), at: Date.now() });
            if (Date.now() >= killedAt) return;
          }
        }
      };

      const clients = [...Array.from({ length: VERIFY_CLIENTS }, (_, n) => verifyClient(n)), scimClient()];
      const slow = await Promise.all(
        Array.from({ length: SLOW_WRITES }, (_, n) => slowScimCreate(base, s.scimToken, `slow-${n}@example.com`)),
      );
      const readiness = await heldReadiness(base);
      await new Promise((r) => setTimeout(r, LOAD_MS));

      const exit = once(server.process, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      killedAt = Date.now();
      server.process.kill('SIGTERM');
      // The rest of the held requests leaves once the server has taken the signal.
      const running = server;
      for (let i = 0; i < 1000 && !running.logs().includes('shutting down:'); i++)
        await new Promise((r) => setTimeout(r, 10));
      const draining = readiness.finish();
      const slowAnswers = await Promise.all(slow.map((w) => w.send()));
      const [code, signal] = await exit;
      exited = true;
      await Promise.all(clients);
      const logs = server.logs();

      // The process ended by itself, cleanly, after saying so.
      expect({ code, signal }, logs.slice(-3000)).toEqual({ code: 0, signal: null });
      expect(logs).toContain('shutting down: no new connections');
      expect(logs).toContain('shut down cleanly');
      expect(await portIsFree(port), 'the port is still bound').toBe(true);

      // Every answer is the right one; connections failed only once the signal was sent.
      const answers = outcomes.filter((o) => o.kind === 'answer');
      const wrong = answers.filter((o) => !o.expected.includes(o.status));
      expect(wrong, 'wrong answers').toEqual([]);
      const early = outcomes.filter((o) => o.kind === 'error' && o.at < killedAt);
      expect(early, 'connection errors before the signal').toEqual([]);
      expect(answers.length).toBeGreaterThan(calls.length);
      expect(created.length).toBeGreaterThan(0);

      // Requests in the server's hands at the signal finished: the writes whose bodies
      // arrived after it, and the readiness check, which says the instance is draining.
      for (const a of slowAnswers) expect(a.status, a.body).toBe(201);
      const drained = await draining;
      expect(drained.status).toBe(503);
      expect(JSON.parse(drained.body)).toMatchObject({ status: 'not_ready', checks: { shutdown: { status: 'fail' } } });

      // The embedded database's directory was shut down cleanly: no recovery at the next open.
      if ('dataDir' in db) expect(clusterState(path.join(db.dataDir as string, 'pglite'))).toBe(DB_SHUTDOWNED);

      // The batches reached the database: every allowed and refused answer the clients saw
      // was counted (a request whose answer was lost to a closing connection may add one).
      const seen = (status: number) => answers.filter((o) => o.status === status && o.what !== 'SCIM create').length;
      const lost = outcomes.filter((o) => o.kind === 'error' && o.what !== 'SCIM create').length;
      const usage = await db.query<{ account_id: string; allowed: number; denied: number }>(
        'SELECT account_id, sum(allowed)::int AS allowed, sum(denied)::int AS denied FROM usage_hours GROUP BY account_id',
      );
      const of = (id: string) => usage.find((u) => u.account_id === id) ?? { allowed: 0, denied: 0 };
      expect(of(s.allowed.id).allowed).toBeGreaterThanOrEqual(seen(200));
      expect(of(s.allowed.id).allowed).toBeLessThanOrEqual(seen(200) + lost);
      expect(of(s.refused.id).denied).toBeGreaterThanOrEqual(seen(403));
      expect(of(s.refused.id).denied).toBeLessThanOrEqual(seen(403) + lost);
      expect(of(s.revoked.id)).toEqual({ allowed: 0, denied: 0 });
      const accessed = await db.query<{ id: string }>(
        'SELECT id FROM service_accounts WHERE accessed_at IS NOT NULL ORDER BY id',
      );
      expect(accessed.map((r) => r.id)).toEqual([s.allowed.id, s.refused.id].sort());
      // Every create that was answered 201 is there, the slow ones included.
      const users = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM directory_users WHERE id = ANY($1) OR user_name LIKE 'slow-%'`,
        [created],
      );
      expect(users[0]!.n).toBe(created.length + SLOW_WRITES);

      // A new server binds the same port, on the same data, and answers as before.
      again = await startServer(db.env, port);
      expect((await fetch(`${again.url}/api/health/ready`)).status).toBe(200);
      const [allowedCall, , refusedCall, revokedCall] = calls;
      for (const call of [allowedCall!, refusedCall!, revokedCall!]) {
        const res = await fetch(`${again.url}${call.path}`, { headers: call.headers });
        expect(res.status, call.what).toBe(call.expected[0]);
      }
      if (kind === 'pglite') expect(again.logs()).not.toMatch(/not properly shut down|automatic recovery/);
    } finally {
      await again?.stop();
      if (server && server.process.exitCode === null) await server.stop();
      await db.cleanup();
    }
  }, 180_000);
});
