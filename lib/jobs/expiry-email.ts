import 'server-only';
import nodemailer from 'nodemailer';
import { config } from '@/lib/config';
import { log } from '@/lib/log';
import { scheduleJob, type JobHandle } from '@/lib/jobs/schedule';
import { accountsExpiringForNotice, type ExpiringAccount } from '@/lib/dal/expiry';
import {
  claimExpiryEmail,
  markExpiryEmailSent,
  namespacePath,
  noticeRecipients,
  pruneExpiryEmails,
  releaseExpiryEmail,
} from '@/lib/dal/expiry-email';
import { daysLeft } from '@/lib/jobs/expiry-webhook';
import { smtpSettings, type SmtpSettings } from '@/lib/jobs/smtp';

// Emails the namespace's Managers and Admins (lib/dal/expiry-email.ts noticeRecipients)
// 7 days and 1 day before a service account expires: one email per account, threshold and
// expiry, whichever instance gets there first. Beside the webhook (expiry-webhook.ts).
//
// A claim row is written before the send, so two instances never both send; a failed send
// deletes it again, so the next run (15 min later) retries; a sent one is kept, so it is
// never sent again. Only an instance that dies between the server's acceptance and
// marking the claim sent leaves a claim that is taken over (and the email repeated) after
// 15 minutes.

const DAY_MS = 86_400_000;
// An unreachable server would otherwise cost a timeout per account on every run.
const GIVE_UP_AFTER_FAILURES = 3;

export interface ExpiryEmailResult {
  sent: number;
  alreadySent: number;
  failed: number;
  deferred: number;
  /** Accounts whose namespace has no Manager or Admin with an email to tell. */
  noRecipients: number;
}

/** 1 within a day of the expiry, 7 within a week, else none. An account inside a day gets only the 1-day email. */
export function thresholdFor(expiresAt: Date, now: Date): 1 | 7 | null {
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) return null;
  if (left <= DAY_MS) return 1;
  if (left <= 7 * DAY_MS) return 7;
  return null;
}

/** Header-safe: names are free text, a subject is one line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

export function noticeEmail(a: ExpiringAccount, path: string, now: Date) {
  const days = daysLeft(new Date(a.expiresAt), now);
  const when = days === 1 ? 'within a day' : `in ${days} days`;
  const list = `${config.publicUrl}/ns/${encodeURIComponent(a.namespaceId)}/service-accounts?sort=expires&dir=asc`;
  return {
    subject: oneLine(`Service account ${a.userId} expires ${when}`),
    text: [
      `The service account ${a.userId} in ${oneLine(path)} expires ${when}, at ${a.expiresAt} (UTC).`,
      '',
      'Requests with its token are refused from then on. Issue a new account (or token) and',
      'replace the old one where it is used before that time.',
      '',
      `Review it: ${list}`,
      '',
      'You receive this because you are a Manager or Admin of this namespace in Postern.',
    ].join('\n'),
  };
}

/** One pass: the 7-day and 1-day emails due at `now` and not yet sent. */
export async function runExpiryEmailOnce({
  smtp,
  now = new Date(),
}: {
  smtp: SmtpSettings;
  now?: Date;
}): Promise<ExpiryEmailResult> {
  const result: ExpiryEmailResult = { sent: 0, alreadySent: 0, failed: 0, deferred: 0, noRecipients: 0 };
  const accounts = await accountsExpiringForNotice(now, 7);
  const transport = accounts.length ? nodemailer.createTransport(smtp.transport) : null;
  const recipients = new Map<string, Promise<string[]>>();
  const paths = new Map<string, Promise<string>>();
  const cached = <T>(m: Map<string, Promise<T>>, k: string, load: () => Promise<T>) =>
    m.get(k) ?? m.set(k, load()).get(k)!;
  let failuresInARow = 0;
  try {
    for (const [i, a] of accounts.entries()) {
      const threshold = thresholdFor(new Date(a.expiresAt), now);
      if (!threshold) continue;
      if (failuresInARow >= GIVE_UP_AFTER_FAILURES) {
        result.deferred = accounts.length - i;
        log.warn(
          { smtp: smtp.server, deferred: result.deferred },
          'expiry emails keep failing; the rest wait for the next run',
        );
        break;
      }
      const to = await cached(recipients, a.namespaceId, () => noticeRecipients(a.namespaceId));
      if (!to.length) {
        result.noRecipients++;
        continue;
      }
      const key = { accountId: a.id, threshold, expiresAt: new Date(a.expiresAt) };
      if (!(await claimExpiryEmail(key, now))) {
        result.alreadySent++;
        continue;
      }
      try {
        const path = await cached(paths, a.namespaceId, () => namespacePath(a.namespaceId));
        await transport!.sendMail({
          from: smtp.from,
          to,
          ...noticeEmail(a, path, now),
          headers: { 'X-Postern-Notice': `expiry-${threshold}d` },
        });
      } catch (err) {
        result.failed++;
        failuresInARow++;
        const e = err as { code?: string; responseCode?: number; message?: string };
        log.warn(
          { smtp: smtp.server, accountId: a.id, threshold, problem: e?.responseCode ?? e?.code ?? 'send failed' },
          'expiry email failed; it is retried next run',
        );
        await releaseExpiryEmail(key).catch((relErr: unknown) =>
          log.error(
            { accountId: a.id, err: relErr instanceof Error ? relErr.message : String(relErr) },
            'could not release a failed expiry email; it is retried after the claim goes stale',
          ),
        );
        continue;
      }
      failuresInARow = 0;
      result.sent++;
      await markExpiryEmailSent(key, now).catch((err: unknown) =>
        log.error(
          { accountId: a.id, threshold, err: err instanceof Error ? err.message : String(err) },
          'expiry email sent but not marked; it may be repeated once its claim goes stale',
        ),
      );
    }
  } finally {
    transport?.close();
  }
  await pruneExpiryEmails(now).catch((err: unknown) =>
    log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not prune old expiry email claims'),
  );
  return result;
}

export type ExpiryEmailHandle = JobHandle;

/**
 * Starts the periodic job when SMTP is configured (lib/jobs/smtp.ts); null when it is not.
 * A malformed setting throws, so the start fails loudly. Timers are unref()ed.
 */
export function startExpiryEmail({
  env = process.env,
  intervalMs = 15 * 60_000,
  firstRunDelayMs = 10_000,
  now = () => new Date(),
}: {
  env?: Record<string, string | undefined>;
  intervalMs?: number;
  firstRunDelayMs?: number;
  now?: () => Date;
} = {}): ExpiryEmailHandle | null {
  const smtp = smtpSettings(env, config.publicUrl);
  if (!smtp) return null;
  const handle = scheduleJob('expiry-email', {
    firstRunDelayMs,
    intervalMs,
    run: () => runExpiryEmailOnce({ smtp, now: now() }),
    context: { smtp: smtp.server },
    failure: 'expiry email run failed',
    done: (r) => {
      if (r.sent || r.failed) log.info({ smtp: smtp.server, ...r }, 'expiry email run');
    },
  });
  log.info({ smtp: smtp.server, from: smtp.from, intervalMs }, 'expiry emails enabled');
  return handle;
}
