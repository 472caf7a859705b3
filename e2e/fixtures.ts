import { readFileSync } from 'node:fs';

export const ADMIN = { email: 'admin@postern.test', password: 'e2e-password-0123456789' };

/** A name no other test (or earlier run against the same server) has used. */
export const unique = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** What scripts/serve-test.mjs wrote about a test server it started (e2e/.state/<name>.json). */
export interface ServerState {
  logFile: string;
  dataDir: string;
  databaseUrl: string | null;
}
export const serverState = (name: string): ServerState =>
  JSON.parse(readFileSync(`e2e/.state/${name}.json`, 'utf8')) as ServerState;
