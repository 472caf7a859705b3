import 'server-only';
// The console's metrics and decision log: the shared ones (lib/observe/metrics.ts) fed by
// the console's verify engine and epoch poll, plus what only the console knows (service
// accounts by state, the database pool).
import client from 'prom-client';
import { accountCountsByState, databasePool } from '@/lib/dal/metrics';
import { log } from '@/lib/log';
import { countDecisions, registry } from '@/lib/observe/metrics';
import { readDecisionLogSettings, startDecisionLog } from '@/lib/observe/decision-log';
import { epochPoll, verifyEngine } from '@/lib/verify/console';

/** Counts are read at most this often, however often Prometheus scrapes. */
const COUNTS_TTL_MS = 15_000;

function consoleGauges(): void {
  if (registry.getSingleMetric('postern_service_accounts')) return;
  let counts: { at: number; value: Awaited<ReturnType<typeof accountCountsByState>> } | null = null;
  new client.Gauge({
    name: 'postern_service_accounts',
    help: 'Service accounts by state (active includes expiring: active and expiring within 7 days).',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      if (!counts || Date.now() - counts.at > COUNTS_TTL_MS) {
        try {
          counts = { at: Date.now(), value: await accountCountsByState() };
        } catch (err) {
          log.warn({ err: (err as Error)?.message }, 'metrics: cannot count service accounts');
          return;
        }
      }
      for (const [state, n] of Object.entries(counts.value)) this.set({ state }, n);
    },
  });
  new client.Gauge({
    name: 'postern_db_pool_connections',
    help: 'PostgreSQL pool connections by state (total, idle, waiting clients, max); absent on the embedded database.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const pool = await databasePool().catch(() => null);
      if (!pool) return;
      for (const [state, n] of Object.entries(pool)) this.set({ state }, n);
    },
  });
}

/** Called once at startup (lib/startup.ts). Throws on an invalid DECISION_LOG setting. */
export function startConsoleObservability(): void {
  countDecisions({
    cache: () => verifyEngine.stats,
    state: { version: () => epochPoll.version(), lastSync: () => epochPoll.lastSync() },
  });
  consoleGauges();
  startDecisionLog(readDecisionLogSettings(), 'console');
}
