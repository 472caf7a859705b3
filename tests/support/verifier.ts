import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort, spawnUntilHealthy, type RunningServer } from './server';

const BUNDLE = '.verifier/verifier.mjs';

export type RunningVerifier = RunningServer;

/**
 * Starts the verifier as `npm run verifier` runs it, from its built module (built here if
 * `npm run build` has not), one worker unless VERIFIER_WORKERS says otherwise, and waits
 * until it answers /healthz.
 */
export async function startVerifier(env: Record<string, string | undefined>): Promise<RunningVerifier> {
  if (!existsSync(BUNDLE)) execFileSync(process.execPath, ['scripts/build-verifier.mjs'], { stdio: 'inherit' });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return spawnUntilHealthy(
    'verifier',
    ['--max-semi-space-size=2', BUNDLE], // as package.json's `npm run verifier`
    {
      DATABASE_URL: undefined, // a verifier never has database credentials
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      VERIFIER_PORT: String(port),
      VERIFIER_HOST: '127.0.0.1',
      VERIFIER_WORKERS: '1',
      ...env,
    },
    url,
    '/healthz',
    30_000,
  );
}
