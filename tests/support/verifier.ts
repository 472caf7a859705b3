import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './server';

export interface RunningVerifier {
  url: string;
  logs: () => string;
  stop: () => Promise<void>;
  process: ChildProcess;
}

/** Starts `npm run verifier` (one worker unless VERIFIER_WORKERS says otherwise) and waits until it answers /healthz. */
export async function startVerifier(env: Record<string, string | undefined>): Promise<RunningVerifier> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/verifier.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: undefined, // a verifier never has database credentials
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      VERIFIER_PORT: String(port),
      VERIFIER_HOST: '127.0.0.1',
      VERIFIER_WORKERS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verifier exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`verifier did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    process: child,
    logs: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Polls until `fn` holds; the milliseconds it took, or null after `ms`. */
export async function within(fn: () => Promise<boolean>, ms: number, step = 5): Promise<number | null> {
  const start = performance.now();
  while (performance.now() - start < ms) {
    if (await fn()) return performance.now() - start;
    await new Promise((r) => setTimeout(r, step));
  }
  return null;
}
