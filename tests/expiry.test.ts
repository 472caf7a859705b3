// Expiry notices: the namespace page's list of accounts that expire soon, and the daily
// webhook (one POST per account per UTC day, retried after a failure, never twice).
import { describe, it, expect, beforeAll, afterAll, afterEach, vi } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { expiringSoon, noticeDay } from '@/lib/dal/expiry';
import { runExpiryWebhookOnce, startExpiryWebhook } from '@/lib/jobs/expiry-webhook';
import { log } from '@/lib/log';
import { freePort } from './support/server';
import { makeUserWithRole, makeUserWithoutRole } from './support/actors';
import { failure } from './support/helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Noon UTC today: "the same UTC day" never straddles midnight, however fast or slow the test.
const base = new Date(noticeDay(new Date()).getTime() + 12 * HOUR);
const at = (days: number) => new Date(base.getTime() + days * DAY);

async function namespace(name: string, parentId: string) {
  const prisma = await getPrisma();
  return (
    await prisma.namespace.create({ data: { name, nameKey: name.toLowerCase(), parentId }, select: { id: true } })
  ).id;
}

async function account(userId: string, namespaceId: string, expiresAt: Date | null, disabled = false) {
  const prisma = await getPrisma();
  return (
    await prisma.serviceAccount.create({
      data: { userId, userIdKey: userId.toLowerCase(), namespaceId, expiresAt, disabled },
      select: { id: true },
    })
  ).id;
}

// The receiver: records every request; answers with `status`.
interface Received {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}
let received: Received[] = [];
let status = 200;
let server: Server;
let url = '';
const SECRET_PATH = '/hooks/T0KEN-in-the-path';

const ns = { team: '', teamChild: '', other: '' };
const acct: Record<string, string> = {};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(body) as Record<string, unknown> });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}${SECRET_PATH}?key=also-secret`;

  ns.team = await namespace('Team', 'global');
  ns.teamChild = await namespace('Team Child', ns.team);
  ns.other = await namespace('Other', 'global');
  acct.in2days = await account('in-2-days', ns.team, at(2));
  acct.in20days = await account('in-20-days', ns.team, at(20));
  acct.expired = await account('expired', ns.team, at(-1 / 24));
  acct.never = await account('never', ns.team, null);
  acct.disabled = await account('disabled', ns.team, at(1), true);
  acct.child3days = await account('child-in-3-days', ns.teamChild, at(3));
  acct.otherIn36h = await account('other-in-36h', ns.other, at(1.5));
});

afterAll(async () => {
  await new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });
});

afterEach(() => {
  received = [];
  status = 200;
  vi.restoreAllMocks();
});

describe('expiringSoon', () => {
  let viewer: Actor;
  beforeAll(async () => {
    viewer = await makeUserWithRole(ns.team, 'viewer');
  });

  it('lists accounts of the namespace and below expiring within 7 days, soonest first', async () => {
    const list = await expiringSoon(viewer, ns.team, { now: base });
    expect(list).toEqual([
      {
        id: acct.in2days,
        userId: 'in-2-days',
        namespaceId: ns.team,
        namespaceName: 'Team',
        expiresAt: at(2).toISOString(),
      },
      {
        id: acct.child3days,
        userId: 'child-in-3-days',
        namespaceId: ns.teamChild,
        namespaceName: 'Team Child',
        expiresAt: at(3).toISOString(),
      },
    ]);
  });

  it('takes a wider window, and works from the real clock by default', async () => {
    expect((await expiringSoon(viewer, ns.team, { days: 30, now: base })).map((a) => a.userId)).toEqual([
      'in-2-days',
      'child-in-3-days',
      'in-20-days',
    ]);
    const real = await expiringSoon(viewer, ns.teamChild);
    expect(real.every((a) => Date.parse(a.expiresAt) > Date.now())).toBe(true);
  });

  it('needs Viewer on the namespace', async () => {
    expect((await failure(expiringSoon(await makeUserWithRole(ns.other, 'viewer'), ns.team))).code).toBe('forbidden');
    expect((await failure(expiringSoon(await makeUserWithoutRole(), ns.team))).code).toBe('forbidden');
    expect((await failure(expiringSoon(null, ns.team))).code).toBe('unauthorized');
  });
});

describe('expiry webhook', () => {
  const sentIds = () => received.map((r) => r.body.service_account_id).sort();
  const soon = () => [acct.in2days, acct.child3days, acct.otherIn36h].sort();

  it('POSTs one JSON notice per account expiring within 7 days, and nothing more that day', async () => {
    expect(await runExpiryWebhookOnce({ url, now: base })).toEqual({ sent: 3, alreadySent: 0, failed: 0, deferred: 0 });
    expect(sentIds()).toEqual(soon());
    const notice = received.find((r) => r.body.service_account_id === acct.in2days)!;
    expect(notice.body).toEqual({
      event: 'service_account.expiring',
      service_account_id: acct.in2days,
      user_id: 'in-2-days',
      namespace_id: ns.team,
      namespace: 'Team',
      expires_at: at(2).toISOString(),
      days_left: 2,
    });
    expect(notice.headers['content-type']).toBe('application/json');
    expect(notice.headers.authorization).toBeUndefined();
    expect(received.find((r) => r.body.user_id === 'other-in-36h')!.body.days_left).toBe(2);
    expect(received.find((r) => r.body.user_id === 'child-in-3-days')!.body.days_left).toBe(3);

    received = [];
    expect(await runExpiryWebhookOnce({ url, now: new Date(base.getTime() + 11 * HOUR) })).toMatchObject({
      sent: 0,
      alreadySent: 3,
    });
    expect(received).toEqual([]);
  });

  it('sends again on the next UTC day', async () => {
    expect(await runExpiryWebhookOnce({ url, now: at(1) })).toMatchObject({ sent: 3 });
    expect(sentIds()).toEqual(soon());
    expect(received.find((r) => r.body.user_id === 'in-2-days')!.body.days_left).toBe(1);
    const prisma = await getPrisma();
    expect(await prisma.expiryNotice.count({ where: { accountId: acct.in2days } })).toBe(2);
  });

  it('retries on the next run when the receiver answered an error, without logging the URL', async () => {
    const later = at(100);
    const id = await account('retry-me', ns.other, at(101));
    const warn = vi.spyOn(log, 'warn');
    status = 500;
    expect(await runExpiryWebhookOnce({ url, now: later })).toMatchObject({ sent: 0, failed: 1 });
    expect(sentIds()).toEqual([id]);
    expect(await (await getPrisma()).expiryNotice.count({ where: { accountId: id } })).toBe(0);
    const logged = JSON.stringify(warn.mock.calls);
    expect(logged).toContain('HTTP 500');
    expect(logged).not.toContain('T0KEN');
    expect(logged).not.toContain('also-secret');

    status = 200;
    received = [];
    expect(await runExpiryWebhookOnce({ url, now: new Date(later.getTime() + 15 * 60_000) })).toMatchObject({
      sent: 1,
    });
    expect(sentIds()).toEqual([id]);
    received = [];
    await runExpiryWebhookOnce({ url, now: new Date(later.getTime() + 30 * 60_000) });
    expect(received).toEqual([]);
  });

  it('sends once when two instances run at the same moment', async () => {
    const id = await account('raced', ns.other, at(201));
    const [a, b] = await Promise.all([
      runExpiryWebhookOnce({ url, now: at(200) }),
      runExpiryWebhookOnce({ url, now: at(200) }),
    ]);
    expect(a.sent + b.sent).toBe(1);
    expect(a.alreadySent + b.alreadySent).toBe(1);
    expect(sentIds()).toEqual([id]);
  });

  it('stops a run after three failures in a row when the receiver is unreachable, keeping nothing claimed', async () => {
    const ids = await Promise.all([1, 2, 3, 4].map((i) => account(`unreachable-${i}`, ns.other, at(301 + i / 24))));
    const closed = `http://127.0.0.1:${await freePort()}/hook`;
    expect(await runExpiryWebhookOnce({ url: closed, now: at(300) })).toEqual({
      sent: 0,
      alreadySent: 0,
      failed: 3,
      deferred: 1,
    });
    expect(await (await getPrisma()).expiryNotice.count({ where: { accountId: { in: ids } } })).toBe(0);
  });

  it('starts only with a valid URL, and runs shortly after start', async () => {
    expect(startExpiryWebhook({ url: undefined })).toBeNull();
    expect(startExpiryWebhook({ url: '' })).toBeNull();
    expect(() => startExpiryWebhook({ url: 'not a url' })).toThrow(/not a valid URL/);
    expect(() => startExpiryWebhook({ url: 'ftp://example.com/x' })).toThrow(/https:\/\//);
    expect(() => startExpiryWebhook({ url: 'https://user:pw@example.com/x' })).toThrow(/user name or password/);

    const id = await account('timer', ns.other, at(401));
    const job = startExpiryWebhook({ url, now: () => at(400), firstRunDelayMs: 10, intervalMs: 60_000 })!;
    try {
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(sentIds()).toEqual([id]);
    } finally {
      job.stop();
    }
  });
});
