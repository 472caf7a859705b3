#!/usr/bin/env node
// Starts the built console for end-to-end tests on a database of its own:
//   node scripts/serve-test.mjs pglite <port>    fresh DATA_DIR, embedded PGlite
//   node scripts/serve-test.mjs postgres <port>  fresh database on the local PostgreSQL
// Extra environment passes through (ADMIN_EMAIL, ...). The database is removed on exit.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createScratchDatabase, dropScratchDatabase } from '../tests/support/scratch-database.mjs';

const [kind, port] = process.argv.slice(2);
if (!['pglite', 'postgres'].includes(kind) || !port) {
  console.error('usage: serve-test.mjs pglite|postgres <port>');
  process.exit(2);
}
const dataDir = mkdtempSync(path.join(tmpdir(), `postern-e2e-${kind}-`));
const env = {
  ...process.env,
  DATA_DIR: dataDir,
  NEXT_TELEMETRY_DISABLED: '1',
  PORT: port,
  POSTERN_URL: `http://127.0.0.1:${port}`,
  NEXTAUTH_URL: `http://127.0.0.1:${port}`,
};
delete env.DATABASE_URL;
let dbName;
if (kind === 'postgres') {
  dbName = `postern_e2e_${port}_${Date.now()}`;
  env.DATABASE_URL = await createScratchDatabase(dbName);
}
// The server's output goes to a file the tests can read (they check that no token is ever logged).
mkdirSync('e2e/.state', { recursive: true });
const stateName = process.env.E2E_STATE_NAME || kind;
const logFile = path.resolve(`e2e/.state/${stateName}.log`);
const log = openSync(logFile, 'w');
writeFileSync(
  `e2e/.state/${stateName}.json`,
  JSON.stringify({ logFile, dataDir, databaseUrl: env.DATABASE_URL ?? null }),
);
const child = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', port, '-H', '127.0.0.1'], {
  env,
  stdio: ['ignore', log, log],
});
let cleaning = false;
async function cleanup(code) {
  if (cleaning) return;
  cleaning = true;
  if (child.exitCode === null) {
    // A graceful shutdown flushes and closes the database: let it finish (bounded).
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  }
  rmSync(dataDir, { recursive: true, force: true });
  if (dbName) await dropScratchDatabase(dbName).catch(() => undefined);
  process.exit(code ?? 0);
}
child.on('exit', (code) => cleanup(code ?? 1));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => cleanup(0));
