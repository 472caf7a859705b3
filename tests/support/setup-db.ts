// Per test file: a database of its own. TEST_DB=postgres makes a fresh PostgreSQL
// database on the local server; otherwise an in-memory PGlite. Runs before the test
// file's imports, so lib/config sees the variables.
import { afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createScratchDatabase, dropScratchDatabase } from './scratch-database.mjs';

const slot = globalThis as unknown as { __posternDb?: Promise<{ close(): Promise<void> }> };
slot.__posternDb = undefined;

const dataDir = mkdtempSync(path.join(tmpdir(), 'postern-test-'));
process.env.DATA_DIR = dataDir;
process.env.SECRET_KEY = 'test-secret-key-that-is-long-enough-0123456789';

let dbName: string | undefined;
if (process.env.TEST_DB === 'postgres') {
  dbName = `postern_test_${randomBytes(6).toString('hex')}`;
  process.env.DATABASE_URL = await createScratchDatabase(dbName);
} else {
  delete process.env.DATABASE_URL;
  process.env.PGLITE_IN_MEMORY = '1';
}

afterAll(async () => {
  await (await slot.__posternDb?.catch(() => undefined))?.close().catch(() => undefined);
  slot.__posternDb = undefined;
  rmSync(dataDir, { recursive: true, force: true });
  if (dbName) await dropScratchDatabase(dbName);
});
