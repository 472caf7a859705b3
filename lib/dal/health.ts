import 'server-only';
import { getDatabase, MIGRATIONS_DIR } from '@/lib/db';
import { readMigrations } from '@/lib/migrate';
import { shuttingDown } from '@/lib/shutdown';
import { epochPoll } from '@/lib/verify/console';

// What the health endpoints report. No caller check: they reveal nothing but states and
// counts (no names, versions, addresses or errors' text).

const CHECK_TIMEOUT_MS = 2000;

/** `p`, or false when it rejects or takes longer than the timeout. */
async function within<T>(p: Promise<T>, ms = CHECK_TIMEOUT_MS): Promise<T | false> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** True when the database answers within 2 s. */
export async function checkDatabase(): Promise<boolean> {
  return (
    (await within(
      getDatabase()
        .then((db) => db.ping())
        .then(() => true as const),
    )) === true
  );
}

export type CheckStatus = 'ok' | 'fail';
export interface Readiness {
  ready: boolean;
  checks: {
    /** SIGTERM or SIGINT received: the instance is draining and must get no new traffic. */
    shutdown: { status: CheckStatus };
    database: { status: CheckStatus };
    /** Every migration this build carries is recorded as applied. */
    migrations: { status: CheckStatus; pending?: number };
    /** The verify cache knows it is current: the state version was read within the staleness limit. */
    cache: { status: CheckStatus; lastSyncAgoMs?: number };
  };
}

let shipped: Promise<string[]> | null = null;
const shippedMigrations = () => {
  shipped ??= readMigrations(MIGRATIONS_DIR).then((all) => all.map((m) => m.name));
  shipped.catch(() => {
    shipped = null;
  });
  return shipped;
};

async function pendingMigrations(): Promise<number> {
  const db = await getDatabase();
  const rows = await db.prisma.$queryRaw<{ migration_name: string }[]>`
    SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  const applied = new Set(rows.map((r) => r.migration_name));
  return (await shippedMigrations()).filter((name) => !applied.has(name)).length;
}

/**
 * Whether this instance should get traffic: not shutting down, the database reachable,
 * every migration applied, and the verify cache fresh (the epoch poll is started here if no
 * request has started it yet, so a new instance is ready before its first verify request).
 */
export async function readiness(): Promise<Readiness> {
  const draining = shuttingDown();
  const [database, pending, cache]: [boolean, number | false, boolean | false] = draining
    ? [false, false, false]
    : await Promise.all([
        checkDatabase(),
        within(pendingMigrations()),
        within(epochPoll.fresh() ? Promise.resolve(true) : epochPoll.start().then(() => epochPoll.fresh())),
      ]);
  const lastSync = epochPoll.lastSync();
  const checks: Readiness['checks'] = {
    shutdown: { status: draining ? 'fail' : 'ok' },
    database: { status: database ? 'ok' : 'fail' },
    migrations: pending === false ? { status: 'fail' } : { status: pending === 0 ? 'ok' : 'fail', pending },
    cache: {
      status: cache === true ? 'ok' : 'fail',
      ...(lastSync ? { lastSyncAgoMs: Math.max(0, Date.now() - lastSync) } : {}),
    },
  };
  return { ready: Object.values(checks).every((c) => c.status === 'ok'), checks };
}
