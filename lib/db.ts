import 'server-only';
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { PrismaClient } from '@/lib/generated/prisma/client';
import { prismaOmit } from '@/lib/secret-fields';
import { config } from '@/lib/config';
import { log } from '@/lib/log';
import { migrate, readMigrations, type SqlSession } from '@/lib/migrate';

export interface Database {
  prisma: Db;
  kind: 'pglite' | 'postgres';
  /** A cheap round trip, for health checks and the cache-freshness poll. */
  ping(): Promise<void>;
  /** Single-row read of the cache epoch; a raw query keeps it off Prisma's overhead. */
  readEpoch(): Promise<bigint>;
  /**
   * LISTEN on `channel` for other processes' notifications (PostgreSQL only: the embedded
   * database has no other process). Reconnects on its own; returns a stop function.
   */
  listen?(channel: string, onPayload: (payload: string) => void): () => void;
  /** Connection pool use (PostgreSQL; the embedded database has one connection and no pool). */
  poolStats?(): { total: number; idle: number; waiting: number; max: number };
  /**
   * The embedded database's data directory as a gzipped tarball, taken between transactions
   * (PGlite only: PostgreSQL is backed up with pg_dump, see scripts/backup.ts).
   */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = path.join(process.cwd(), 'prisma', 'migrations');

/** Secret columns are left out of every result unless a query names them (lib/secret-fields.ts). */
function newClient(adapter: NonNullable<ConstructorParameters<typeof PrismaClient>[0]['adapter']>) {
  return new PrismaClient({ adapter, omit: prismaOmit() });
}
export type Db = ReturnType<typeof newClient>;

async function openPglite(dataDir: string, inMemory: boolean): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  const dir = path.join(dataDir, 'pglite');
  if (!inMemory) await mkdir(dir, { recursive: true, mode: 0o700 });
  const pglite = inMemory ? new PGlite() : new PGlite(dir);
  await pglite.waitReady;
  const session: SqlSession = {
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    query: async <T>(sql: string, params?: unknown[]) => (await pglite.query<T>(sql, params)).rows,
  };
  await runMigrations(session);
  const prisma = newClient(new PrismaPGlite(pglite));
  return {
    prisma,
    kind: 'pglite',
    ping: async () => {
      await pglite.query('SELECT 1');
    },
    readEpoch: () => readEpochWith(pglite),
    dumpDataDir: async () => {
      // The checkpoint keeps the WAL a restore replays short. Waiting for the transaction lock
      // means no transaction is half-way: the tarball holds committed state only.
      await pglite.exec('CHECKPOINT');
      return pglite._runExclusiveTransaction(() => pglite.dumpDataDir('gzip'));
    },
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  const pg = (await import('pg')).default;
  const { PrismaPg } = await import('@prisma/adapter-pg');
  // Short timeouts: when the server is unreachable the verify path must answer 503 quickly.
  const poolConfig = {
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 3000,
    query_timeout: 5000,
    idleTimeoutMillis: 30_000,
  };
  const pool = new pg.Pool(poolConfig);
  pool.on('error', (err) => log.warn({ err: err.message }, 'idle PostgreSQL connection failed'));
  const client = await pool.connect();
  try {
    await runMigrations({
      exec: async (sql) => {
        await client.query(sql);
      },
      query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
    });
  } finally {
    client.release();
  }
  // One pool for Prisma and the raw queries, so its use is the database's (metrics).
  const prisma = newClient(new PrismaPg(pool));
  return {
    prisma,
    kind: 'postgres',
    ping: async () => {
      await pool.query('SELECT 1');
    },
    readEpoch: () => readEpochWith(pool),
    listen: (channel, onPayload) => listenWithRetry(pg, url, channel, onPayload),
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: poolConfig.max,
    }),
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** How often the LISTEN connection proves it is alive, and how long an answer may take. */
const LISTEN_HEARTBEAT_MS = 2000;

/**
 * A dedicated connection for LISTEN (a pooled one would be handed to other queries). A
 * connection the network silently dropped (a firewall or NAT that forgot it, a host gone
 * without a reset) raises no error and delivers nothing: a heartbeat query finds it out
 * within two heartbeats, and it is replaced. Reconnects at most 1 s apart.
 */
function listenWithRetry(
  pg: typeof import('pg').default,
  url: string,
  channel: string,
  onPayload: (payload: string) => void,
): () => void {
  let stopped = false;
  let client: import('pg').Client | null = null;
  let delay = 100;
  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 3000,
      query_timeout: LISTEN_HEARTBEAT_MS,
    });
    client = c;
    let heartbeat: NodeJS.Timeout | undefined;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      clearInterval(heartbeat);
      if (!stopped)
        log.warn({ err: err.message }, 'LISTEN connection failed; reconnecting (the epoch poll covers the gap)');
      c.removeAllListeners();
      c.on('error', () => {});
      c.end().catch(() => {});
      // A dropped connection never completes a polite end: let go of the socket now.
      (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      if (stopped) return;
      setTimeout(() => void connect(), delay).unref();
      delay = Math.min(delay * 2, 1000);
    };
    c.on('error', fail);
    c.on('end', () => fail(new Error('the server closed the connection')));
    c.on('notification', (n) => {
      if (n.channel === channel && n.payload) onPayload(n.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      if (failed) return;
      delay = 100;
      heartbeat = setInterval(() => {
        c.query('SELECT 1').catch((err: Error) => fail(err));
      }, LISTEN_HEARTBEAT_MS).unref();
    } catch (err) {
      fail(err as Error);
    }
  };
  void connect();
  return () => {
    stopped = true;
    client?.end().catch(() => {});
  };
}

/** The state version in one raw round trip, off Prisma's overhead (the epoch poll runs it every second). */
async function readEpochWith(db: { query<R>(sql: string): Promise<{ rows: R[] }> }): Promise<bigint> {
  const { rows } = await db.query<{ version: string }>('SELECT version::text AS version FROM cache_epoch WHERE id = 1');
  return BigInt(rows[0]?.version ?? '0');
}

async function runMigrations(session: SqlSession) {
  const result = await migrate(session, await readMigrations(MIGRATIONS_DIR));
  for (const w of result.warnings) log.warn(w);
  if (result.applied.length) log.info({ migrations: result.applied }, 'applied database migrations');
}

// One database per process, shared by every route bundle: Next.js may evaluate this
// module more than once, and a PGlite directory must never be opened twice.
const slot = globalThis as unknown as { __posternDb?: Promise<Database>; __posternDbClosed?: boolean };

export function getDatabase(): Promise<Database> {
  if (slot.__posternDbClosed) return Promise.reject(new Error('the database is closed: the server is shutting down'));
  if (!slot.__posternDb) {
    const opening = config.databaseUrl
      ? openPostgres(config.databaseUrl)
      : openPglite(config.dataDir, config.pgliteInMemory);
    slot.__posternDb = opening;
    // A failed open is not cached: the next caller tries again (the server may come back).
    opening.catch(() => {
      if (slot.__posternDb === opening) slot.__posternDb = undefined;
    });
  }
  return slot.__posternDb;
}

export async function getPrisma(): Promise<Db> {
  return (await getDatabase()).prisma;
}

/**
 * Shutdown: closes the database for good (PGlite checkpoints and closes its data directory,
 * so the next start opens it without recovery; the PostgreSQL pool is ended). Later
 * callers of getDatabase() are refused rather than reopening it.
 */
export async function closeDatabase(): Promise<void> {
  const opening = slot.__posternDb;
  slot.__posternDbClosed = true;
  slot.__posternDb = undefined;
  const db = await opening?.catch(() => undefined);
  await db?.close();
}
