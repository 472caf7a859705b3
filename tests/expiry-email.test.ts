// Expiry notices by email (issue 13): 7 days and 1 day before expiry, to the namespace's
// Managers and Admins, once per account and threshold, retried after a failure, against a
// real SMTP server (smtp-server) on both databases.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { noticeDay } from '@/lib/dal/expiry';
import { noticeRecipients } from '@/lib/dal/expiry-email';
import { runExpiryEmailOnce, startExpiryEmail, thresholdFor } from '@/lib/jobs/expiry-email';
import { smtpSettings, type SmtpSettings } from '@/lib/jobs/smtp';
import { makeUserWithRole } from './support/actors';
import { within } from './support/poll';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const base = new Date(noticeDay(new Date()).getTime() + 12 * HOUR);
const at = (days: number) => new Date(base.getTime() + days * DAY);

interface Mail {
  to: string[];
  subject: string;
  notice: string;
  text: string;
}
let inbox: Mail[] = [];
let refuse = 0; // how many messages the server refuses (451) before it accepts again
let server: SMTPServer;
let smtp: SmtpSettings;
let env: Record<string, string>;

const header = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw)?.[1]?.trim() ?? '';

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => {
        raw += c;
      });
      stream.on('end', () => {
        if (refuse > 0) {
          refuse--;
          const err = Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 });
          return callback(err);
        }
        inbox.push({
          to: session.envelope.rcptTo.map((r) => r.address).sort(),
          subject: header(raw, 'Subject'),
          notice: header(raw, 'X-Postern-Notice'),
          text: raw
            .split(/\r?\n\r?\n/)
            .slice(1)
            .join('\n\n'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as { port: number }).port;
  env = { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_FROM: 'Postern <postern@example.test>' };
  smtp = smtpSettings(env)!;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(() => {
  inbox = [];
  refuse = 0;
});

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

const ns = { team: '', child: '', other: '' };
const people: Record<string, Actor> = {};

beforeAll(async () => {
  ns.team = await namespace('Team', 'global');
  ns.child = await namespace('Team Child', ns.team);
  ns.other = await namespace('Other', 'global');
  people.globalAdmin = await makeUserWithRole('global', 'admin', { email: 'root@example.test' });
  people.teamManager = await makeUserWithRole(ns.team, 'manager', { email: 'manager@example.test' });
  people.childAdmin = await makeUserWithRole(ns.child, 'admin', { email: 'child-admin@example.test' });
  people.teamViewer = await makeUserWithRole(ns.team, 'viewer', { email: 'viewer@example.test' });
  people.otherAdmin = await makeUserWithRole(ns.other, 'admin', { email: 'other-admin@example.test' });
  const off = await makeUserWithRole(ns.team, 'manager', { email: 'disabled@example.test' });
  const prisma = await getPrisma();
  await prisma.user.update({ where: { id: off.userId }, data: { disabled: true } });
  // Through a directory group: counts only when the link approved the group.
  await prisma.grant.create({ data: { namespaceId: ns.team, role: 'manager', groupName: 'ops' } });
  await prisma.directoryUser.create({ data: { id: 'dir-ops', email: 'ops@example.test', groups: ['ops'] } });
  await prisma.directoryUser.create({ data: { id: 'dir-ops2', email: 'ops2@example.test', groups: ['ops'] } });
  const linked = await prisma.user.create({ data: { email: 'ops@example.test' } });
  await prisma.identityLink.create({
    data: { userId: linked.id, directoryUserId: 'dir-ops', via: 'admin', approvedGroups: ['ops'] },
  });
  const unapproved = await prisma.user.create({ data: { email: 'ops2@example.test' } });
  await prisma.identityLink.create({
    data: { userId: unapproved.id, directoryUserId: 'dir-ops2', via: 'sso', approvedGroups: [] },
  });
});

describe('who is told', () => {
  it("the namespace's Managers and Admins, here or above, directly or through an approved group; nobody else", async () => {
    expect(await noticeRecipients(ns.team)).toEqual(['manager@example.test', 'ops@example.test', 'root@example.test']);
    expect(await noticeRecipients(ns.child)).toEqual([
      'child-admin@example.test',
      'manager@example.test',
      'ops@example.test',
      'root@example.test',
    ]);
    expect(await noticeRecipients(ns.other)).toEqual(['other-admin@example.test', 'root@example.test']);
  });

  it('the thresholds: 7 days, then 1 day; an account inside a day gets only the 1-day email', () => {
    expect(thresholdFor(at(8), base)).toBeNull();
    expect(thresholdFor(at(7), base)).toBe(7);
    expect(thresholdFor(at(1.01), base)).toBe(7);
    expect(thresholdFor(at(1), base)).toBe(1);
    expect(thresholdFor(at(0.1), base)).toBe(1);
    expect(thresholdFor(at(-0.1), base)).toBeNull();
  });
});

describe('expiry emails', () => {
  const subjects = () => inbox.map((m) => m.subject).sort();

  it('sends one email per account and threshold, and nothing again', async () => {
    await account('in-3-days', ns.team, at(3));
    await account('in-12-hours', ns.child, at(0.5));
    await account('in-20-days', ns.team, at(20));
    await account('disabled-in-2-days', ns.team, at(2), true);
    await account('expired', ns.team, at(-0.1));
    await account('never', ns.team, null);

    expect(await runExpiryEmailOnce({ smtp, now: base })).toEqual({
      sent: 2,
      alreadySent: 0,
      failed: 0,
      deferred: 0,
      noRecipients: 0,
    });
    expect(subjects()).toEqual([
      'Service account in-12-hours expires within a day',
      'Service account in-3-days expires in 3 days',
    ]);
    const week = inbox.find((m) => m.subject.includes('in-3-days'))!;
    expect(week.to).toEqual(['manager@example.test', 'ops@example.test', 'root@example.test']);
    expect(week.notice).toBe('expiry-7d');
    expect(week.text).toContain('Global / Team');
    expect(week.text).toContain(at(3).toISOString());
    expect(inbox.find((m) => m.subject.includes('in-12-hours'))?.notice).toBe('expiry-1d');

    // Later runs, the same day and the next: nothing more until the next threshold.
    inbox = [];
    expect((await runExpiryEmailOnce({ smtp, now: base })).sent).toBe(0);
    expect((await runExpiryEmailOnce({ smtp, now: at(1) })).sent).toBe(0);
    expect(inbox).toEqual([]);

    // Inside a day of its expiry, in-3-days gets its 1-day email, once.
    expect((await runExpiryEmailOnce({ smtp, now: at(2.5) })).sent).toBe(1);
    expect((await runExpiryEmailOnce({ smtp, now: at(2.6) })).sent).toBe(0);
    expect(subjects()).toEqual(['Service account in-3-days expires within a day']);
    expect(inbox[0]?.notice).toBe('expiry-1d');
    const prisma = await getPrisma();
    expect(await prisma.expiryEmail.count({ where: { sentAt: null } })).toBe(0);
  });

  it('two instances running at once send each email once', async () => {
    await account('race-in-5-days', ns.other, at(5));
    const now = at(0.01);
    const runs = await Promise.all([
      runExpiryEmailOnce({ smtp, now }),
      runExpiryEmailOnce({ smtp, now }),
      runExpiryEmailOnce({ smtp, now }),
    ]);
    expect(runs.reduce((n, r) => n + r.sent, 0)).toBe(1);
    expect(subjects()).toEqual(['Service account race-in-5-days expires in 5 days']);
    expect(inbox[0]?.to).toEqual(['other-admin@example.test', 'root@example.test']);
  });

  it('a refused send is retried by the next run, and then sent once', async () => {
    await account('retry-in-6-days', ns.other, at(6.5));
    const now = at(0.02);
    refuse = 1;
    const first = await runExpiryEmailOnce({ smtp, now });
    expect(first).toMatchObject({ sent: 0, failed: 1 });
    expect(inbox).toEqual([]);
    const second = await runExpiryEmailOnce({ smtp, now: new Date(now.getTime() + 15 * 60_000) });
    expect(second).toMatchObject({ sent: 1, failed: 0 });
    expect((await runExpiryEmailOnce({ smtp, now: new Date(now.getTime() + 30 * 60_000) })).sent).toBe(0);
    expect(subjects()).toEqual(['Service account retry-in-6-days expires in 7 days']);
  });

  it('an unreachable server fails the run without losing the emails', async () => {
    await account('unreachable-in-4-days', ns.other, at(4.5));
    const closed = smtpSettings({ SMTP_HOST: '127.0.0.1', SMTP_PORT: '9' })!;
    const down = await runExpiryEmailOnce({ smtp: closed, now: at(0.03) });
    expect(down.sent).toBe(0);
    expect(down.failed).toBeGreaterThanOrEqual(1);
    expect((await runExpiryEmailOnce({ smtp, now: at(0.04) })).sent).toBe(1);
    expect(subjects()).toEqual(['Service account unreachable-in-4-days expires in 5 days']);
  });
});

describe('settings', () => {
  it('without SMTP settings nothing starts and nothing is sent', async () => {
    await account('unsent-in-6-days', ns.team, at(6));
    expect(smtpSettings({})).toBeNull();
    expect(startExpiryEmail({ env: {}, firstRunDelayMs: 0 })).toBeNull();
    // With settings the same job sends on its first run: the silence above is the missing settings.
    const handle = startExpiryEmail({ env, firstRunDelayMs: 0, now: () => at(0.05) })!;
    try {
      const sent = await within(async () => inbox.some((m) => m.subject.includes('unsent-in-6-days')), 10_000, 50);
      expect(sent).not.toBeNull();
    } finally {
      handle.stop();
    }
  });

  it('reads SMTP_URL or SMTP_HOST/PORT/USER/PASSWORD, and refuses malformed values', () => {
    expect(
      smtpSettings({ SMTP_URL: 'smtps://mailer%40x:p%3Ass@mail.example.com' }, 'https://postern.example.com'),
    ).toMatchObject({
      transport: { host: 'mail.example.com', port: 465, secure: true, auth: { user: 'mailer@x', pass: 'p:ss' } },
      from: 'postern@postern.example.com',
      server: 'mail.example.com:465',
    });
    expect(
      smtpSettings({ SMTP_HOST: 'mail.example.com', SMTP_USER: 'u', SMTP_PASSWORD: 'p', SMTP_FROM: 'a@b.c' }),
    ).toMatchObject({
      transport: { port: 587, secure: false, requireTLS: true, auth: { user: 'u', pass: 'p' } },
      from: 'a@b.c',
    });
    expect(() => smtpSettings({ SMTP_URL: 'http://mail.example.com' })).toThrow(/smtp:\/\//);
    expect(() => smtpSettings({ SMTP_HOST: 'mail.example.com', SMTP_PORT: '99999' })).toThrow(/SMTP_PORT/);
    expect(() => smtpSettings({ SMTP_HOST: 'x', SMTP_FROM: 'a@b.c\r\nBcc: x@y.z' })).toThrow(/one line/);
  });
});
