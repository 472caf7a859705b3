import 'server-only';
import { log } from '@/lib/log';
import { scheduleJob, type JobHandle } from '@/lib/jobs/schedule';
import { disableUnusedAccounts } from '@/lib/dal/auto-disable';

// Disables service accounts unused for as many days as their namespace's lifetime rule says
// (lib/dal/lifetime-rules.ts), once a day on every instance: a run finds nothing to do
// where another instance has just done it.

const DAY_MS = 86_400_000;

export type AutoDisableHandle = JobHandle;

/** One pass, for the timer and for tests: the ids disabled. */
export async function runAutoDisableOnce(now = new Date()): Promise<string[]> {
  const ids = await disableUnusedAccounts(now);
  if (ids.length) log.info({ count: ids.length }, 'disabled service accounts unused beyond their namespace rule');
  return ids;
}

/** Starts the daily job (first run shortly after start). Timers are unref()ed: they never keep the process alive. */
export function startAutoDisable({
  intervalMs = DAY_MS,
  firstRunDelayMs = 60_000,
  now = () => new Date(),
}: {
  intervalMs?: number;
  firstRunDelayMs?: number;
  now?: () => Date;
} = {}): AutoDisableHandle {
  return scheduleJob('auto-disable', {
    firstRunDelayMs,
    intervalMs,
    run: () => runAutoDisableOnce(now()),
    failure: 'auto-disable run failed; retried tomorrow',
  });
}
