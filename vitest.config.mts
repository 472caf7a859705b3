import { defineConfig } from 'vitest/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    tsconfigPaths: true,
    alias: { 'server-only': path.resolve(here, 'tests/support/empty.ts') },
  },
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // Pure logic: no database, no framework.
      { extends: true, test: { name: 'unit', include: ['lib/**/*.test.ts', 'components/**/*.test.ts'] } },
      // Data-access layer, actions and HTTP handlers against a real database of their own.
      {
        extends: true,
        test: { name: 'integration', include: ['tests/*.test.ts'], setupFiles: ['tests/support/setup-db.ts'] },
      },
      // Real HTTP against the production build (`next build` first), sharing a PostgreSQL database with the test.
      {
        extends: true,
        test: {
          name: 'http',
          include: ['tests/http/**/*.test.ts'],
          setupFiles: ['tests/support/setup-db.ts'],
          env: { TEST_DB: 'postgres' },
          fileParallelism: false,
        },
      },
      // Faults under load against the production build (`next build` first): the database
      // stalls or dies, the server is killed, instances race. FAULT_SUITE=short: fewer requests.
      {
        extends: true,
        test: {
          name: 'faults',
          include: ['tests/faults/**/*.test.ts'],
          setupFiles: ['tests/support/setup-db.ts'],
          env: { TEST_DB: 'postgres' },
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
