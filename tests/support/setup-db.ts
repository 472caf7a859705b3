// Per test file: a database of its own. TEST_DB=postgres makes a fresh PostgreSQL
// database on the local server; otherwise an in-memory PGlite. Runs before the test
// file's imports, so lib/config sees the variables.
import { afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

const slot = globalThis as unknown as { __posternDb?: Promise<{ close(): Promise<void> }> };
slot.__posternDb = undefined;

const dataDir = mkdtempSync(path.join(tmpdir(), 'postern-test-'));
process.env.DATA_DIR = dataDir;
process.env.SECRET_KEY = 'test-secret-key-that-is-long-enough-0123456789';

const admin = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
let dbName: string | undefined;
if (process.env.TEST_DB === 'postgres') {
  dbName = `postern_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${dbName}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${dbName}`;
  process.env.DATABASE_URL = url.toString();
} else {
  delete process.env.DATABASE_URL;
  process.env.PGLITE_IN_MEMORY = '1';
}

afterAll(async () => {
  await (await slot.__posternDb?.catch(() => undefined))?.close().catch(() => undefined);
  slot.__posternDb = undefined;
  rmSync(dataDir, { recursive: true, force: true });
  if (dbName) {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await client.end();
  }
});
