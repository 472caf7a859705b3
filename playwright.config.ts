import { defineConfig, devices } from '@playwright/test';

// The suite runs against two servers of the same build: one on the embedded PGlite
// (its first admin made through the one-time setup page) and one on PostgreSQL (its
// first admin from ADMIN_EMAIL/ADMIN_PASSWORD).
import { ADMIN } from './e2e/fixtures';
const chromium = {
  ...devices['Desktop Chrome'],
  viewport: { width: 1280, height: 800 },
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  },
};
const servers = [
  { name: 'pglite', port: 3101 },
  { name: 'postgres', port: 3102 },
] as const;

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: { trace: 'retain-on-failure', ...chromium },
  webServer: servers.map((s) => ({
    command: `node scripts/serve-test.mjs ${s.name} ${s.port}`,
    url: `http://127.0.0.1:${s.port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: (s.name === 'postgres' ? { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } : {}) as Record<string, string>,
  })),
  projects: servers.flatMap((s) => [
    {
      name: `setup-${s.name}`,
      testMatch: /.*\.setup\.ts/,
      use: { baseURL: `http://127.0.0.1:${s.port}` },
      metadata: { db: s.name },
    },
    {
      name: s.name,
      testIgnore: /.*\.setup\.ts/,
      dependencies: [`setup-${s.name}`],
      use: { baseURL: `http://127.0.0.1:${s.port}`, storageState: `e2e/.auth/${s.name}.json` },
      metadata: { db: s.name },
    },
  ]),
});
