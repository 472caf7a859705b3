import 'server-only';
import { getDatabase } from '@/lib/db';
import { secretKeyFingerprint } from '@/lib/secrets';

export interface BackupSnapshot {
  /** The data directory as a gzipped tarball. */
  body: Blob;
  /** Which root secret the sealed signing keys need (lib/tokens/key-fingerprint.ts). */
  keyFingerprint: string;
  /** The newest migration applied: a restore into an older Postern is refused. */
  schema: string;
}

/** One snapshot at a time: each holds the embedded database's only connection for a second or so. */
let running = false;

/**
 * A consistent copy of the embedded database, taken by the process that holds it. The caller
 * (GET /api/v1/backup) has proved it holds BACKUP_TOKEN. Null when the console runs on
 * PostgreSQL (pg_dump backs that up) or another snapshot is under way ('busy').
 */
export async function takeEmbeddedSnapshot(): Promise<BackupSnapshot | 'postgres' | 'busy'> {
  const db = await getDatabase();
  if (!db.dumpDataDir) return 'postgres';
  if (running) return 'busy';
  running = true;
  try {
    const rows = await db.prisma.$queryRaw<{ name: string | null }[]>`
      SELECT max(migration_name) AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    const body = await db.dumpDataDir();
    return { body, keyFingerprint: secretKeyFingerprint(), schema: rows[0]?.name ?? '' };
  } finally {
    running = false;
  }
}
