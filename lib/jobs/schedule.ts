import 'server-only';
import { log } from '@/lib/log';

// The one way a background job runs in the console: a first run shortly after start, then
// one every interval; never two runs of a job at once (a slow run skips the next tick);
// one timer set per process however often Next.js evaluates a module (kept on globalThis
// by name); timers unref()ed so they never keep the process alive; a failed run is logged
// with the job's context and the next one runs as scheduled.

export interface JobHandle {
  stop(): void;
  /** Resolves when no run of the job is in progress. */
  idle(): Promise<void>;
}

const slot = globalThis as unknown as { __posternJobs?: Map<string, JobHandle> };
const jobs: Map<string, JobHandle> = (slot.__posternJobs ??= new Map());

/** Shutdown: no job starts another run; resolves when the runs in progress have ended. */
export async function stopAllJobs(): Promise<void> {
  const handles = [...jobs.values()];
  for (const h of handles) h.stop();
  await Promise.all(handles.map((h) => h.idle()));
}

export interface JobOptions<T> {
  firstRunDelayMs: number;
  intervalMs: number;
  /** One run; what it resolves to is passed to `done`. */
  run: () => Promise<T>;
  /** Logged with every failure (never a secret: a webhook's origin, an SMTP server's host). */
  context?: Record<string, unknown>;
  /** The message a failed run is logged with. */
  failure: string;
  done?: (result: T) => void;
}

/** Starts `name` unless it runs already in this process; returns its handle. */
export function scheduleJob<T>(name: string, o: JobOptions<T>): JobHandle {
  const existing = jobs.get(name);
  if (existing) return existing;
  let running: Promise<void> | null = null;
  const tick = async () => {
    if (running) return;
    running = (async () => {
      try {
        o.done?.(await o.run());
      } catch (err) {
        log.error({ ...o.context, job: name, err: err instanceof Error ? err.message : String(err) }, o.failure);
      }
    })();
    await running;
    running = null;
  };
  const first = setTimeout(() => void tick(), o.firstRunDelayMs);
  const every = setInterval(() => void tick(), o.intervalMs);
  first.unref();
  every.unref();
  const handle: JobHandle = {
    stop: () => {
      clearTimeout(first);
      clearInterval(every);
      if (jobs.get(name) === handle) jobs.delete(name);
    },
    idle: async () => {
      await running;
    },
  };
  jobs.set(name, handle);
  return handle;
}
