// Start-up of the production build: a database it cannot migrate stops the start with a
// clear message, and the data is left as it was.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { migrate, readMigrations } from '@/lib/migrate';
import { startServer } from '../support/server';

describe('start-up', () => {
  it('refuses to start over a failed migration, says why, and changes nothing', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'postern-startup-'));
    try {
      const db = new PGlite(path.join(dataDir, 'pglite'));
      const all = await readMigrations('prisma/migrations');
      await migrate(
        {
          exec: async (s) => {
            await db.exec(s);
          },
          query: async (s, p) => (await db.query(s, p)).rows as never,
        },
        all.slice(0, 1),
      );
      await db.exec(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ('x', 'y', '${all[1]!.name}', now(), 0)`,
      );
      await db.exec(
        `INSERT INTO namespaces (id, name, name_key, parent_id, updated_at) VALUES ('kept', 'Kept', 'kept', 'global', now())`,
      );
      await db.close();

      const err = await startServer({
        DATA_DIR: dataDir,
        DATABASE_URL: undefined,
        SECRET_KEY: 'startup-test-secret-key-0123456789abcdef',
      }).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err?.message).toMatch(/Postern cannot start: migration \S+ is recorded as failed/);

      const again = new PGlite(path.join(dataDir, 'pglite'));
      expect(
        (await again.query('SELECT migration_name FROM "_prisma_migrations" ORDER BY started_at')).rows,
      ).toHaveLength(2);
      expect((await again.query(`SELECT name FROM namespaces WHERE id = 'kept'`)).rows).toEqual([{ name: 'Kept' }]);
      expect((await again.query(`SELECT to_regclass('policies') AS t`)).rows).toEqual([{ t: null }]);
      await again.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
