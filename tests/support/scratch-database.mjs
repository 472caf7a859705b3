// A PostgreSQL database of its own for a test file or a test server, made on the local
// server (TEST_PG_ADMIN_URL, else trust auth as postgres on 127.0.0.1:5432) and dropped
// afterwards. Plain JavaScript: scripts/serve-test.mjs runs it without a TypeScript loader.
import pg from 'pg';

const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** @param {string} sql */
async function asAdmin(sql) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates the database (a name of letters, digits and _) and returns its URL.
 * @param {string} name
 */
export async function createScratchDatabase(name) {
  await asAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Drops it, whoever is still connected.
 * @param {string} name
 */
export const dropScratchDatabase = (name) => asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
