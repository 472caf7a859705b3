import 'server-only';
import { log } from '@/lib/log';
import { disableUnusedAccounts } from '@/lib/dal/auto-disable';

// Disables service accounts unused for as many days as their namespace's lifetime rule says
// (lib/dal/lifetime-rules.ts), once a day on every instance: a run finds nothing to do
// where another instance has just done it.

const DAY_MS = 86_400_000;

export interface AutoDisableHandle {
  stop(): void;
}

// One timer per process, however often Next.js evaluates this module.
const slot = globalThis as unknown as { __posternAutoDisable?: AutoDisableHandle };

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
  if (slot.__posternAutoDisable) return slot.__posternAutoDisable;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runAutoDisableOnce(now());
    } catch (err) {
      log.error({ err: err instanceof Error ? err.message : String(err) }, 'auto-disable run failed; retried tomorrow');
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void tick(), firstRunDelayMs);
  const every = setInterval(() => void tick(), intervalMs);
  first.unref();
  every.unref();
  const handle: AutoDisableHandle = {
    stop: () => {
      clearTimeout(first);
      clearInterval(every);
      if (slot.__posternAutoDisable === handle) slot.__posternAutoDisable = undefined;
    },
  };
  slot.__posternAutoDisable = handle;
  return handle;
}
