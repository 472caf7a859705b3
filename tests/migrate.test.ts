// The in-process migrator: Prisma's bookkeeping, one transaction per migration, and a
// failure that leaves the data exactly as it was.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { migrate, MigrationError, readMigrations, type Migration, type SqlSession } from '@/lib/migrate';

function session(db: PGlite): SqlSession {
  return {
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
  };
}
const m = (name: string, sql: string): Migration => ({
  name,
  sql,
  checksum: createHash('sha256').update(sql).digest('hex'),
});

describe('migrate', () => {
  it('applies the committed history and records it as Prisma does', async () => {
    const db = new PGlite();
    const all = await readMigrations('prisma/migrations');
    expect(all.length).toBeGreaterThanOrEqual(3);
    const result = await migrate(session(db), all);
    expect(result.applied).toEqual(all.map((x) => x.name));
    const rows = (
      await db.query<{
        migration_name: string;
        checksum: string;
        finished_at: Date | null;
        applied_steps_count: number;
        rolled_back_at: Date | null;
      }>('SELECT * FROM "_prisma_migrations" ORDER BY started_at')
    ).rows;
    expect(rows.map((r) => r.migration_name)).toEqual(all.map((x) => x.name));
    for (const [i, r] of rows.entries()) {
      expect(r.checksum).toBe(all[i]!.checksum);
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.rolled_back_at).toBeNull();
      expect(r.applied_steps_count).toBe(1);
    }
    // A second start applies nothing.
    expect((await migrate(session(db), all)).applied).toEqual([]);
    await db.close();
  });

  it('stops at a failing migration, rolls it back whole, and applies it once fixed', async () => {
    const db = new PGlite();
    const first = m('001_a', 'CREATE TABLE a (id int primary key); INSERT INTO a VALUES (1);');
    const broken = m('002_b', 'CREATE TABLE b (id int); INSERT INTO a VALUES (2); SELEC oops;');
    const err = await migrate(session(db), [first, broken]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(/migration 002_b failed and was rolled back, nothing changed/);
    expect((await db.query('SELECT id FROM a ORDER BY id')).rows).toEqual([{ id: 1 }]);
    expect((await db.query(`SELECT to_regclass('b') AS t`)).rows).toEqual([{ t: null }]);
    expect((await db.query('SELECT migration_name FROM "_prisma_migrations"')).rows).toEqual([
      { migration_name: '001_a' },
    ]);
    const fixed = m('002_b', 'CREATE TABLE b (id int); INSERT INTO a VALUES (2);');
    expect((await migrate(session(db), [first, fixed])).applied).toEqual(['002_b']);
    expect((await db.query('SELECT id FROM a ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }]);
    await db.close();
  });

  it('refuses to start over a migration Prisma recorded as failed, and warns about edited ones', async () => {
    const db = new PGlite();
    const first = m('001_a', 'CREATE TABLE a (id int);');
    await migrate(session(db), [first]);
    const edited = await migrate(session(db), [{ ...first, checksum: 'f'.repeat(64) }]);
    expect(edited.warnings.join()).toMatch(/001_a was changed after it was applied/);
    await db.exec(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ('x', 'y', '002_b', now(), 0)`,
    );
    const err = await migrate(session(db), [first, m('002_b', 'SELECT 1;')]).then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/002_b is recorded as failed.*prisma migrate resolve/);
    await db.close();
  });
});
