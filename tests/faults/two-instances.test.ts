// Two console instances (production builds) on one PostgreSQL database: a revoke made on
// instance A through its server action is honoured by instance B's verify endpoint within
// the propagation limit (100 ms p99, issue 10; LISTEN/NOTIFY carries it), measured over 50
// revokes from the commit until B answers 401. The commit is seen by this test's own LISTEN
// on the state channel (PostgreSQL delivers notifications at commit); A acknowledges the
// revoke to the browser later, after re-rendering the page, so B has usually honoured it by then.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import pg from 'pg';
import { STATE_CHANNEL } from '@/lib/dal/epoch';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin } from '../support/actors';
import { newAccount } from '../support/builders';
import { startConsole, type RunningServer } from '../support/server';
import { signIn, type ConsoleSession } from '../support/console-client';
import { percentile } from '../support/load';
import { scale, sleep } from '../support/faults';

const REVOKES = scale(50, 15);
const LIMIT_MS = 100;

let admin: Actor;
let a: RunningServer;
let b: RunningServer;
let sessionA: ConsoleSession;
let listener: pg.Client;
/** When each state version's notification reached this process (performance.now()). */
const commits: { at: number; payload: string }[] = [];

beforeAll(async () => {
  admin = await makeAdmin(); // applies the migrations from this process
  [a, b] = await Promise.all([startConsole({ LOG_LEVEL: 'warn' }), startConsole({ LOG_LEVEL: 'warn' })]);
  // makeAdmin's users all have this password (tests/support/actors.ts).
  sessionA = await signIn(a.url, admin.email, 'irrelevant-password');
  listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await listener.connect();
  listener.on('notification', (n) => commits.push({ at: performance.now(), payload: n.payload ?? '' }));
  await listener.query(`LISTEN ${STATE_CHANNEL}`);
});

afterAll(async () => {
  await listener?.end();
  await Promise.all([a?.stop(), b?.stop()]);
});

/** B's verify endpoint on one keep-alive connection, as a proxy keeps it. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const statusOnB = (token: string) =>
  new Promise<number>((resolve, reject) => {
    const req = http.get(
      new URL('/api/v1/verify', b.url),
      { agent, headers: { authorization: `Pomerium ${token}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
  });

describe('two console instances on one PostgreSQL', () => {
  it(`${REVOKES} revokes on A are honoured on B within ${LIMIT_MS} ms p99`, async () => {
    const fromCommit: number[] = [];
    const fromAck: number[] = [];
    const fromSend: number[] = [];
    for (let i = 0; i < REVOKES; i++) {
      const { account, token } = await newAccount(admin, 'global');
      expect(await statusOnB(token)).toBe(200); // B has it cached: the revoke must reach it
      const sent = performance.now();
      let acked = 0;
      const revoke = sessionA.action('revokeServiceAccountAction', { id: account.id }).then((r) => {
        acked = performance.now();
        return r;
      });
      // Ask B every 2 ms (as tests/http/verifiers.test.ts does: back to back, the asking
      // would take the CPU B needs) from the moment the revoke is sent until it refuses.
      let refusedAt = 0;
      let last = 0;
      while (performance.now() - sent < 5000) {
        last = await statusOnB(token);
        if (last !== 200) {
          refusedAt = performance.now();
          break;
        }
        await sleep(2);
      }
      const result = await revoke;
      expect(result.ok, JSON.stringify(result)).toBe(true);
      expect(last, `revoke ${i} not honoured on B within 5 s`).toBe(401);
      const commit = commits.find((c) => c.at >= sent && c.payload.endsWith(':accounts'));
      expect(commit, `no notification of revoke ${i}`).toBeDefined();
      fromCommit.push(Math.max(0, refusedAt - commit!.at));
      fromAck.push(Math.max(0, refusedAt - acked));
      fromSend.push(refusedAt - sent);
    }
    const fmt = (xs: number[]) =>
      `p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
    console.log(
      `revoke on A → 401 on B, ${REVOKES} revokes: from the commit ${fmt(fromCommit)}; from A's ` +
        `acknowledgement ${fmt(fromAck)}; from sending the revoke (with A's own action time) ${fmt(fromSend)}`,
    );
    expect(percentile(fromCommit, 99)).toBeLessThanOrEqual(LIMIT_MS);
  }, 180_000);
});
