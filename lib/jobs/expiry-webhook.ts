import 'server-only';
import { log } from '@/lib/log';
import { scheduleJob, type JobHandle } from '@/lib/jobs/schedule';
import {
  accountsExpiringForNotice,
  claimExpiryNotice,
  pruneExpiryNotices,
  releaseExpiryNotice,
  type ExpiringAccount,
} from '@/lib/dal/expiry';

// Tells an outside system (chat, ticketing) about service accounts that expire within a
// week: one POST per account per UTC day, whichever instance gets there first.
//
// Delivery is "at most once per day, retried until it succeeds": a notice row is claimed
// before the POST, so two instances never both send; if the POST fails the row is deleted
// again, so the next run (15 min later) retries instead of the account going unannounced
// until tomorrow. The price: a receiver that got the request but answered an error (or
// too late) may see it twice; it can tell by (service_account_id, UTC date).

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 7;
const TIMEOUT_MS = 5_000;
// An unreachable receiver would otherwise cost 5 s per account on every run.
const GIVE_UP_AFTER_FAILURES = 3;

export interface ExpiryRunResult {
  sent: number;
  alreadySent: number;
  failed: number;
  deferred: number;
}

/**
 * Webhook URLs often carry their secret in the path or query (Slack, Teams): logs name
 * the origin only, and the URL itself is never logged or sent anywhere else.
 */
function webhookUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('EXPIRY_WEBHOOK_URL is not a valid URL.');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new Error('EXPIRY_WEBHOOK_URL must start with https:// or http://.');
  if (u.username || u.password) throw new Error('EXPIRY_WEBHOOK_URL must not contain a user name or password.');
  return u;
}

/** Whole days left, rounded up: an account expiring in 3 hours has 1 day left, never 0. */
export const daysLeft = (expiresAt: Date, now: Date) =>
  Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS));

export function noticePayload(a: ExpiringAccount, now: Date) {
  return {
    event: 'service_account.expiring',
    service_account_id: a.id,
    user_id: a.userId,
    namespace_id: a.namespaceId,
    namespace: a.namespaceName,
    expires_at: a.expiresAt,
    days_left: daysLeft(new Date(a.expiresAt), now),
  };
}

/** null when the receiver took it (2xx), else a short reason that holds no secret. */
async function post(url: URL, body: unknown): Promise<string | null> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'postern-expiry-webhook' },
      body: JSON.stringify(body),
      // A redirect would turn the POST into a GET somewhere else: count it as a failure.
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel().catch(() => undefined);
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    if (e?.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
    return e?.cause?.code ?? e?.name ?? 'request failed';
  }
}

/** One pass: find accounts expiring within 7 days of `now` and send today's notices not yet sent. */
export async function runExpiryWebhookOnce({
  url,
  now = new Date(),
}: {
  url: string;
  now?: Date;
}): Promise<ExpiryRunResult> {
  const target = webhookUrl(url);
  const accounts = await accountsExpiringForNotice(now, WINDOW_DAYS);
  const result: ExpiryRunResult = { sent: 0, alreadySent: 0, failed: 0, deferred: 0 };
  let failuresInARow = 0;
  for (const [i, account] of accounts.entries()) {
    if (failuresInARow >= GIVE_UP_AFTER_FAILURES) {
      result.deferred = accounts.length - i;
      log.warn(
        { webhook: target.origin, deferred: result.deferred },
        'expiry webhook keeps failing; the remaining notices wait for the next run',
      );
      break;
    }
    if (!(await claimExpiryNotice(account.id, now))) {
      result.alreadySent++;
      continue;
    }
    const problem = await post(target, noticePayload(account, now));
    if (!problem) {
      result.sent++;
      failuresInARow = 0;
      continue;
    }
    result.failed++;
    failuresInARow++;
    log.warn(
      { webhook: target.origin, accountId: account.id, problem },
      'expiry webhook notice failed; it is retried next run',
    );
    await releaseExpiryNotice(account.id, now).catch((err: unknown) =>
      log.error(
        { accountId: account.id, err: err instanceof Error ? err.message : String(err) },
        'could not release a failed expiry notice; it is sent tomorrow',
      ),
    );
  }
  await pruneExpiryNotices(now).catch((err: unknown) =>
    log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not prune old expiry notices'),
  );
  return result;
}

export type ExpiryWebhookHandle = JobHandle;

/**
 * Starts the periodic job when `url` is set (EXPIRY_WEBHOOK_URL); returns null when it is
 * not. Throws on a malformed URL, so a misconfiguration stops the start instead of
 * failing silently. Timers are unref()ed: they never keep the process alive.
 */
export function startExpiryWebhook({
  url,
  intervalMs = 15 * 60_000,
  now = () => new Date(),
  firstRunDelayMs = 10_000,
}: {
  url: string | undefined;
  intervalMs?: number;
  now?: () => Date;
  firstRunDelayMs?: number;
}): ExpiryWebhookHandle | null {
  if (!url) return null;
  const target = webhookUrl(url);
  if (!Number.isFinite(intervalMs) || intervalMs < 1000)
    throw new Error('The expiry webhook interval must be at least 1 s.');
  const handle = scheduleJob('expiry-webhook', {
    firstRunDelayMs,
    intervalMs,
    // A slow receiver must not stack runs: scheduleJob skips a tick while one runs.
    run: () => runExpiryWebhookOnce({ url, now: now() }),
    context: { webhook: target.origin },
    failure: 'expiry webhook run failed',
    done: (r) => {
      if (r.sent || r.failed) log.info({ webhook: target.origin, ...r }, 'expiry webhook run');
    },
  });
  log.info({ webhook: target.origin, intervalMs }, 'expiry webhook enabled');
  return handle;
}
