import { defineConfig, devices } from '@playwright/test';

// The suite runs against two servers of the same build: one on the embedded PGlite
// (its first admin made through the one-time setup page) and one on PostgreSQL (its
// first admin from ADMIN_EMAIL/ADMIN_PASSWORD). The `sso` project signs in through a real
// OpenID Connect provider (scripts/oidc-test-provider.mjs) on a third console server.
import { ADMIN } from './e2e/fixtures';
const chromium = {
  ...devices['Desktop Chrome'],
  viewport: { width: 1280, height: 800 },
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
};
const servers = [
  { name: 'pglite', port: 3101 },
  { name: 'postgres', port: 3102 },
] as const;
const sso = { providerPort: 3103, consolePort: 3104 };
const ssoClient = { OIDC_CLIENT_ID: 'postern-test', OIDC_CLIENT_SECRET: 'postern-test-secret' };
const serverDefaults = { timeout: 120_000, reuseExistingServer: false, stdout: 'ignore', stderr: 'pipe' } as const;

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: { trace: 'retain-on-failure', ...chromium },
  webServer: [
    {
      ...serverDefaults,
      command: `node scripts/oidc-test-provider.mjs ${sso.providerPort} ${sso.consolePort}`,
      url: `http://127.0.0.1:${sso.providerPort}/.well-known/openid-configuration`,
    },
    // Servers start one after another. The SSO console also runs on PGlite, and serve-test.mjs
    // names its state files (e2e/.state/pglite.*) after the kind: it starts before the
    // pglite server, so that server's state is the one written last.
    {
      ...serverDefaults,
      command: `node scripts/serve-test.mjs pglite ${sso.consolePort}`,
      url: `http://127.0.0.1:${sso.consolePort}/api/health`,
      env: {
        E2E_STATE_NAME: 'sso',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        OIDC_ISSUER: `http://127.0.0.1:${sso.providerPort}`,
        ...ssoClient,
      },
    },
    ...servers.map((s) => ({
      ...serverDefaults,
      command: `node scripts/serve-test.mjs ${s.name} ${s.port}`,
      url: `http://127.0.0.1:${s.port}/api/health`,
      env: (s.name === 'postgres' ? { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } : {}) as Record<
        string,
        string
      >,
    })),
  ],
  projects: [
    ...servers.flatMap((s) => [
      {
        name: `setup-${s.name}`,
        testMatch: /.*\.setup\.ts/,
        use: { baseURL: `http://127.0.0.1:${s.port}` },
        metadata: { db: s.name },
      },
      {
        name: s.name,
        testIgnore: [/.*\.setup\.ts/, /sso\.spec\.ts/],
        dependencies: [`setup-${s.name}`],
        use: { baseURL: `http://127.0.0.1:${s.port}`, storageState: `e2e/.auth/${s.name}.json` },
        metadata: { db: s.name },
      },
    ]),
    {
      name: 'sso',
      testMatch: /sso\.spec\.ts/,
      use: { baseURL: `http://127.0.0.1:${sso.consolePort}` },
      metadata: { db: 'pglite', oidcIssuer: `http://127.0.0.1:${sso.providerPort}` },
    },
  ],
});
