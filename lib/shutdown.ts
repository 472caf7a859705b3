import 'server-only';
import type http from 'node:http';
import { log } from '@/lib/log';
import { drainServer } from '@/lib/net/drain';
import { addRequestHook, httpServers, onNewHttpServer } from '@/lib/net/request-hook';

// Graceful shutdown of the console (SIGTERM, SIGINT), installed once from instrumentation.ts.
//
// `next start` has a handler of its own: it closes the listener, waits without a bound for
// every connection to end, and exits 143, cutting short anything an app does on the signal.
// Postern replaces it (NEXT_MANUAL_SIG_HANDLE=true tells Next.js not to install it, which
// `npm start` sets; a bare `next start` has it removed here) with, in order:
//   1. readiness answers 503 (/api/health/ready), the listener closes (no new connections),
//      idle keep-alive connections close, and every answer from now on closes its own;
//   2. requests in flight finish, for at most SHUTDOWN_TIMEOUT_MS (default 20 s), then the
//      connections left are cut; background jobs start no new run;
//   3. the runs of background jobs in progress end; the epoch poll and LISTEN stop;
//   4. the `accessed` and usage batches are written;
//   5. the database closes (PGlite checkpoints its data directory; the pool ends);
//   6. exit 0 (1 when the batches or the database could not be written and closed).
// A second signal during all this exits at once with 1.

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 20_000;

interface ShutdownState {
  /** Set when the signal arrives; readiness reads it. */
  since: number | null;
  inFlight: Set<http.ServerResponse>;
  drains: Map<http.Server, Promise<boolean>>;
  installed: boolean;
}

const slot = globalThis as unknown as { __posternShutdown?: ShutdownState };
const state: ShutdownState = (slot.__posternShutdown ??= {
  since: null,
  inFlight: new Set(),
  drains: new Map(),
  installed: false,
});

/** True from the moment SIGTERM or SIGINT arrived: the instance is on its way out. */
export function shuttingDown(): boolean {
  return state.since !== null;
}

export function shutdownTimeoutMs(env = process.env): number {
  const raw = env.SHUTDOWN_TIMEOUT_MS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 600_000)
    throw new Error(`SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds from 0 to 600000, got "${raw}"`);
  return n;
}

function drain(server: http.Server, timeoutMs: number): void {
  if (!state.drains.has(server)) state.drains.set(server, drainServer(server, timeoutMs));
}

/** Called once at start; throws on an invalid SHUTDOWN_TIMEOUT_MS (the start stops with its message). */
export function installShutdown(): void {
  if (state.installed) return;
  state.installed = true;
  const timeoutMs = shutdownTimeoutMs();

  // Requests in flight, so that their answers can close their connections once draining.
  addRequestHook('in-flight', (_req, res) => {
    if (state.since !== null) res.setHeader('connection', 'close');
    state.inFlight.add(res);
    res.once('close', () => state.inFlight.delete(res));
    return false;
  });
  // A connection to a server we had not seen yet (one that never had one before the signal).
  onNewHttpServer((server) => {
    if (state.since !== null) drain(server, timeoutMs);
  });

  if (!process.env.NEXT_MANUAL_SIG_HANDLE) {
    // next start's handler is `cleanup` (next/dist/server/lib/start-server.js), added before
    // instrumentation runs; tests/faults/graceful-shutdown.test.ts fails (exit 143) if it stays.
    let removed = 0;
    for (const signal of ['SIGTERM', 'SIGINT'] as const)
      for (const listener of process.listeners(signal))
        if (listener.name === 'cleanup') {
          process.off(signal, listener as NodeJS.SignalsListener);
          removed++;
        }
    if (!removed && process.env.NODE_ENV === 'production')
      log.warn("Next.js's signal handler was not found: set NEXT_MANUAL_SIG_HANDLE=true (npm start does)");
  }
  const onSignal = (signal: NodeJS.Signals) => {
    if (state.since !== null) {
      log.warn({ signal }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    state.since = Date.now();
    void shutdown(signal, timeoutMs);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function shutdown(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  log.info(
    { signal, inFlight: state.inFlight.size, timeoutMs },
    'shutting down: no new connections; finishing the requests in flight',
  );
  for (const res of state.inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
  for (const server of httpServers()) drain(server, timeoutMs);
  // Imported here, not at the top: instrumentation loads this module before the app's.
  const { stopAllJobs } = await import('@/lib/jobs/schedule');
  // A run in progress gets as long as the requests did (an SMTP server may hang).
  const jobsIdle = Promise.race([stopAllJobs(), new Promise<void>((r) => setTimeout(r, timeoutMs).unref())]);
  // Drains may be added while we wait (a connection to a server not seen before).
  let waited = 0;
  let cut = false;
  while (waited < state.drains.size) {
    const all = [...state.drains.values()];
    waited = all.length;
    cut = (await Promise.all(all)).includes(false) || cut;
  }
  if (cut) log.warn({ timeoutMs }, 'requests still in flight after SHUTDOWN_TIMEOUT_MS were cut');
  else log.info({ tookMs: Date.now() - state.since! }, 'requests in flight finished');

  let failed = false;
  try {
    await jobsIdle;
    const { stopFollowing, verifyEngine } = await import('@/lib/verify/console');
    stopFollowing();
    if (!(await verifyEngine.flushAccessed())) failed = true;
    verifyEngine.close();
    const { closeDatabase } = await import('@/lib/db');
    await closeDatabase();
  } catch (err) {
    failed = true;
    log.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown: could not close cleanly');
  }
  if (failed) log.error('shut down with errors: see above');
  else log.info({ tookMs: Date.now() - state.since! }, 'shut down cleanly');
  process.exit(failed ? 1 : 0);
}
