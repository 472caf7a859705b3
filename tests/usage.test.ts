// Usage data (issue 13): the verify path counts in memory and writes in batches; the
// accounts list, the account page and the namespace dashboard read the counts, on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { createNamespace } from '@/lib/dal/namespaces';
import { listServiceAccounts, setServiceAccountDisabled } from '@/lib/dal/service-accounts';
import { accountUsage, namespaceUsage, usageSparklines } from '@/lib/dal/usage';
import { pruneUsage, recordUsage } from '@/lib/dal/usage-store';
import { createVerifier } from '@/lib/dal/verifiers';
import { consoleEngineOptions, verifyEngine } from '@/lib/verify/console';
import { verifyRequest, type VerifyInput } from '@/lib/verify/core';
import { VerifyEngine } from '@/lib/verify/engine';
import { HOUR_MS } from '@/lib/verify/usage';
import { SyncClient } from '@/lib/verifier/sync';
import type { Replica } from '@/lib/verifier/replica';
import { log } from '@/lib/log';
import { POST as accessedPOST } from '@/app/api/v1/verifier/accessed/route';
import { makeAdmin, makeUserWithRole } from './support/actors';
import { failure, uid } from './support/helpers';
import { newAccount, newGuardedRoute } from './support/builders';
import { forwardedRequest, pomerium, verifyAs } from './support/verify';

const DAY = 86_400_000;
const ALLOW = 'allow:\n  or:\n    - accept: true\n';
const REJECT = 'allow:\n  or:\n    - reject: true\n';

let admin: Actor;
beforeAll(async () => {
  admin = await makeAdmin();
});

const rowsOf = async (accountId: string) =>
  (await getPrisma()).usageHour.findMany({ where: { accountId }, orderBy: [{ hour: 'asc' }, { routeId: 'asc' }] });

/** A namespace of its own with an account, an open route and a closed one on a host of its own. */
async function sandbox() {
  const ns = await createNamespace(admin, 'global', `usage-${uid()}`);
  const { account, token } = await newAccount(admin, ns.id);
  const host = `u-${uid()}.example.com`;
  const named = async ({ id }: { id: string }) =>
    (await getPrisma()).route.findUniqueOrThrow({ where: { id }, select: { id: true, name: true } });
  const open = await named(await newGuardedRoute(admin, ns.id, `https://${host}/open`, ALLOW));
  const closed = await named(await newGuardedRoute(admin, ns.id, `https://${host}/closed`, REJECT));
  return { ns, account, token, host, open, closed };
}

const input = (token: string, host: string, path: string, clientAddress: string | null): VerifyInput => {
  const h: Record<string, string> = { ...pomerium(token), ...forwardedRequest(host, path) };
  return { endpoint: 'forward-auth', method: 'GET', get: (n) => h[n], suffix: null, clientAddress };
};

describe('counting on the verify path', () => {
  it('a decision writes nothing; a flush writes the hour’s counts per route, the last address and the last use', async () => {
    const s = await sandbox();
    // An engine of its own that never flushes by itself: what is in the database came from flushAccessed.
    const engine = new VerifyEngine({ ...consoleEngineOptions, accessFlushMs: 3_600_000 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await verifyRequest(engine, input(s.token, s.host, '/open/x', '203.0.113.7'), log)).status);
      for (let i = 0; i < 2; i++)
        statuses.push((await verifyRequest(engine, input(s.token, s.host, '/closed', '203.0.113.8'), log)).status);
      // Refused without a known account: not counted.
      statuses.push((await verifyRequest(engine, input('not-a-token', s.host, '/open', '203.0.113.9'), log)).status);
      expect(statuses).toEqual([200, 200, 200, 403, 403, 401]);
      expect(await rowsOf(s.account.id)).toEqual([]);
      const prisma = await getPrisma();
      expect((await prisma.serviceAccount.findUnique({ where: { id: s.account.id } }))?.accessedAt).toBeNull();

      await engine.flushAccessed();
      const rows = await rowsOf(s.account.id);
      const hour = Date.now() - (Date.now() % HOUR_MS);
      expect(rows.map((r) => [r.routeId, r.allowed, r.denied, r.lastAddress])).toEqual(
        [
          [s.open.id, 3, 0, '203.0.113.7'],
          [s.closed.id, 0, 2, '203.0.113.8'],
        ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      );
      // (Unless the hour turned during the test, both rows are for this hour.)
      expect(rows.every((r) => r.hour.getTime() === hour || r.hour.getTime() === hour - HOUR_MS)).toBe(true);
      expect((await prisma.serviceAccount.findUnique({ where: { id: s.account.id } }))?.accessedAt).toBeInstanceOf(
        Date,
      );

      // A second flush adds to the same rows (one upsert), it does not replace them.
      await verifyRequest(engine, input(s.token, s.host, '/open', '203.0.113.10'), log);
      await engine.flushAccessed();
      const again = await rowsOf(s.account.id);
      expect(again.find((r) => r.routeId === s.open.id)).toMatchObject({ allowed: 4, lastAddress: '203.0.113.10' });
      await engine.flushAccessed(); // nothing new: nothing written, nothing fails
      expect((await rowsOf(s.account.id)).find((r) => r.routeId === s.open.id)?.allowed).toBe(4);
    } finally {
      engine.close();
    }
  });

  it('the console’s endpoints count through the shared engine: the trusted address, and no route for the token check', async () => {
    const s = await sandbox();
    const res = await verifyAs('forward-auth', {
      ...pomerium(s.token),
      ...forwardedRequest(s.host, '/open'),
      'x-forwarded-for': '198.51.100.1, 192.0.2.44',
    });
    expect(res.status).toBe(200);
    await verifyEngine.flushAccessed();
    const rows = await rowsOf(s.account.id);
    // TRUSTED_PROXY_HOPS=1: the rightmost X-Forwarded-For entry, never what the client wrote further left.
    expect(rows).toEqual([expect.objectContaining({ routeId: s.open.id, allowed: 1, lastAddress: '192.0.2.44' })]);
  });

  it('counts per hour, sums flushes from several instances, and skips unknown accounts and hours outside 30 days', async () => {
    const s = await sandbox();
    const now = Date.now();
    const hour = now - (now % HOUR_MS);
    const rec = (h: number, allowed: number, denied: number, lastAt: number, addr: string) => ({
      accountId: s.account.id,
      hour: h,
      routeId: s.open.id,
      allowed,
      denied,
      lastAt,
      lastAddress: addr,
    });
    await recordUsage([
      rec(hour - 2 * HOUR_MS, 5, 1, hour - 2 * HOUR_MS + 10, '192.0.2.1'),
      rec(hour, 1, 0, hour + 5, '192.0.2.2'),
    ]);
    // Another instance's flush for the same hour, with an older last request: counts add, the newer address stays.
    await Promise.all([
      recordUsage([rec(hour, 2, 3, hour + 1, '192.0.2.3')]),
      recordUsage([
        { ...rec(hour, 1, 0, hour, '192.0.2.4'), accountId: '00000000-0000-4000-8000-000000000000' },
        rec(hour - 40 * DAY, 9, 9, hour - 40 * DAY, '192.0.2.5'),
      ]),
    ]);
    const rows = await rowsOf(s.account.id);
    expect(rows.map((r) => [r.hour.getTime(), r.allowed, r.denied, r.lastAddress])).toEqual([
      [hour - 2 * HOUR_MS, 5, 1, '192.0.2.1'],
      [hour, 3, 3, '192.0.2.2'],
    ]);
  });

  it('keeps 30 days: pruning drops older hours only', async () => {
    const s = await sandbox();
    const prisma = await getPrisma();
    const now = new Date();
    const at = (days: number) => new Date(now.getTime() - days * DAY - (now.getTime() % HOUR_MS));
    for (const d of [31, 29, 0])
      await prisma.usageHour.create({
        data: { accountId: s.account.id, hour: at(d), routeId: '', allowed: 1, lastAt: at(d) },
      });
    expect(await pruneUsage(now)).toBeGreaterThanOrEqual(1);
    expect((await rowsOf(s.account.id)).map((r) => r.hour.getTime())).toEqual([at(29).getTime(), at(0).getTime()]);
  });
});

describe("the verifiers' report", () => {
  let server: Server;
  let url = '';
  let credential = '';
  beforeAll(async () => {
    credential = (await createVerifier(admin, `usage-${uid()}`)).credential;
    // The console's route handler behind a real socket, so the verifier's own client posts to it.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const answer = await accessedPOST(
          new Request(`http://console.test${req.url}`, {
            method: 'POST',
            headers: req.headers as Record<string, string>,
            body: Buffer.concat(chunks),
          }),
        );
        res.writeHead(answer.status).end(await answer.text());
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('carries the same counts as the console’s own flush', async () => {
    const s = await sandbox();
    const client = new SyncClient({ url, credential, publicJwk: {}, replica: {} as Replica, log });
    const hour = Date.now() - (Date.now() % HOUR_MS);
    await client.sendAccessed(
      [s.account.id],
      [
        {
          accountId: s.account.id,
          hour,
          routeId: s.closed.id,
          allowed: 0,
          denied: 4,
          lastAt: hour + 1,
          lastAddress: '2001:db8::1',
        },
      ],
    );
    expect(await rowsOf(s.account.id)).toEqual([
      expect.objectContaining({ routeId: s.closed.id, allowed: 0, denied: 4, lastAddress: '2001:db8::1' }),
    ]);
    const prisma = await getPrisma();
    expect((await prisma.serviceAccount.findUnique({ where: { id: s.account.id } }))?.accessedAt).toBeInstanceOf(Date);
  });

  it('still takes the old form ({ ids } alone), and refuses a malformed report', async () => {
    const s = await sandbox();
    const post = (body: unknown) =>
      fetch(`${url}/api/v1/verifier/accessed`, {
        method: 'POST',
        headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ ids: [s.account.id] })).status).toBe(204);
    const prisma = await getPrisma();
    expect((await prisma.serviceAccount.findUnique({ where: { id: s.account.id } }))?.accessedAt).toBeInstanceOf(Date);
    const bad = await post({ ids: [], usage: [{ accountId: s.account.id, hour: 5, routeId: 'x', allowed: -1 }] });
    expect(bad.status).toBe(400);
    expect(await rowsOf(s.account.id)).toEqual([]);
  });
});

describe('reading usage', () => {
  it('lists accounts unused for 30+ days: issued before and not used since, enabled and not expired', async () => {
    const ns = await createNamespace(admin, 'global', `unused-${uid()}`);
    const prisma = await getPrisma();
    const ago = (days: number) => new Date(Date.now() - days * DAY);
    const make = async (issued: number, accessed: number | null, over: Record<string, unknown> = {}) => {
      const { account } = await newAccount(admin, ns.id, over);
      await prisma.serviceAccount.update({
        where: { id: account.id },
        data: { issuedAt: ago(issued), accessedAt: accessed === null ? null : ago(accessed) },
      });
      return account;
    };
    const never = await make(40, null);
    const long = await make(40, 35);
    await make(40, 2); // used lately
    await make(3, null); // too new to tell
    const off = await make(40, null);
    await setServiceAccountDisabled(admin, off.id, true);
    const gone = await make(40, null);
    await prisma.serviceAccount.update({ where: { id: gone.id }, data: { expiresAt: ago(1) } });
    const list = await listServiceAccounts(admin, ns.id, { unused: true });
    expect(list.rows.map((r) => r.id).sort()).toEqual([never.id, long.id].sort());
    expect(list.total).toBe(2);
    expect((await listServiceAccounts(admin, ns.id)).total).toBe(6);
  });

  it('the dashboard counts accounts by state and charts the last 24 hours of decisions', async () => {
    const ns = await createNamespace(admin, 'global', `dash-${uid()}`);
    const child = await createNamespace(admin, ns.id, `child-${uid()}`);
    const prisma = await getPrisma();
    const a = (await newAccount(admin, ns.id)).account; // active, used below
    await newAccount(admin, child.id, { expiration: '7' }); // active, expiring within 7 days
    const expired = (await newAccount(admin, ns.id)).account;
    await prisma.serviceAccount.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - DAY) } });
    const off = (await newAccount(admin, ns.id)).account;
    await setServiceAccountDisabled(admin, off.id, true);
    const old = (await newAccount(admin, child.id)).account;
    await prisma.serviceAccount.update({ where: { id: old.id }, data: { issuedAt: new Date(Date.now() - 45 * DAY) } });

    const now = Date.now();
    const hour = now - (now % HOUR_MS);
    const rec = (h: number, allowed: number, denied: number) => ({
      accountId: a.id,
      hour: h,
      routeId: '',
      allowed,
      denied,
      lastAt: h,
      lastAddress: null,
    });
    await recordUsage([rec(hour, 7, 2), rec(hour - 5 * HOUR_MS, 3, 0), rec(hour - 30 * HOUR_MS, 100, 100)]);

    const d = await namespaceUsage(admin, ns.id);
    expect(d.counts).toEqual({ active: 3, expiring: 1, expired: 1, disabled: 1, unused: 1 });
    expect(d.accounts).toBe(5);
    expect(d.routes).toBe(0);
    expect(d.hours).toHaveLength(24);
    expect(d.hours.at(-1)).toEqual({ hour, allowed: 7, denied: 2 });
    expect(d.hours.find((h) => h.hour === hour - 5 * HOUR_MS)).toEqual({
      hour: hour - 5 * HOUR_MS,
      allowed: 3,
      denied: 0,
    });
    expect(d.hours.reduce((n, h) => n + h.allowed + h.denied, 0)).toBe(12); // 30 hours ago is outside the chart
    // The child's dashboard sees only its own accounts.
    expect((await namespaceUsage(admin, child.id)).counts).toEqual({
      active: 2,
      expiring: 1,
      expired: 0,
      disabled: 0,
      unused: 1,
    });

    const other = await createNamespace(admin, 'global', `other-${uid()}`);
    expect((await failure(namespaceUsage(await makeUserWithRole(other.id, 'viewer'), ns.id))).code).toBe('forbidden');
    expect((await namespaceUsage(await makeUserWithRole(ns.id, 'viewer'), child.id)).counts.active).toBe(2);
  });

  it('the account page: 30 days of allowed and refused requests, top routes, the last request; routes elsewhere unnamed', async () => {
    const s = await sandbox();
    const elsewhere = await createNamespace(admin, 'global', `else-${uid()}`);
    const foreign = await newGuardedRoute(admin, elsewhere.id, `https://f-${uid()}.example.com`, ALLOW);
    const now = Date.now();
    const hour = now - (now % HOUR_MS);
    const rec = (h: number, routeId: string, allowed: number, denied: number, addr: string) => ({
      accountId: s.account.id,
      hour: h,
      routeId,
      allowed,
      denied,
      lastAt: h + 1,
      lastAddress: addr,
    });
    await recordUsage([
      rec(hour, s.open.id, 10, 0, '192.0.2.10'),
      rec(hour - 3 * DAY, s.open.id, 5, 0, '192.0.2.11'),
      rec(hour - 3 * DAY, s.closed.id, 0, 6, '192.0.2.12'),
      rec(hour - 2 * DAY, foreign.id, 0, 1, '192.0.2.13'),
    ]);
    const viewer = await makeUserWithRole(s.ns.id, 'viewer');
    const u = await accountUsage(viewer, s.account.id);
    expect(u.days).toHaveLength(30);
    const today = new Date(hour).toISOString().slice(0, 10);
    expect(u.days.at(-1)?.day).toBe(today);
    expect(u.days.reduce((n, d) => n + d.allowed, 0)).toBe(15);
    expect(u.days.reduce((n, d) => n + d.denied, 0)).toBe(7);
    expect(u.topRoutes.map((r) => [r.label, r.allowed, r.denied])).toEqual([
      [s.open.name, 15, 0],
      [s.closed.name, 0, 6],
      ['A route in another namespace', 0, 1],
    ]);
    expect(u.topRoutes[0]?.url).toBe(`https://${s.host}/open`);
    expect(u.last).toEqual({ at: new Date(hour + 1), address: '192.0.2.10', route: s.open.name });

    // Sparklines: 7 days, today last.
    const spark = await usageSparklines(viewer, s.ns.id, [s.account.id]);
    expect(spark.get(s.account.id)).toEqual({ days: [0, 0, 0, 11, 1, 0, 10], denied: 7 });

    const other = await makeUserWithRole(elsewhere.id, 'viewer');
    expect((await failure(accountUsage(other, s.account.id))).code).toBe('forbidden');
    expect((await failure(accountUsage(null, s.account.id))).code).toBe('unauthorized');
    // Ids outside the namespace are not read.
    expect((await usageSparklines(other, elsewhere.id, [s.account.id])).size).toBe(0);
  });
});
