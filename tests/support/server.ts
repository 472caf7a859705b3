import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer, connect, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export interface RunningServer {
  url: string;
  logs: () => string;
  stop: () => Promise<void>;
  process: ChildProcess;
}

/**
 * Runs `node <args>` with this environment (on top of the test's) and waits until
 * `healthUrl` answers 200: the process, its output so far, and a stop that waits for its exit.
 */
export async function spawnUntilHealthy(
  what: string,
  args: string[],
  env: Record<string, string | undefined>,
  url: string,
  healthPath: string,
  timeoutMs = 60_000,
): Promise<RunningServer> {
  let output = '';
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (d: Buffer) => {
    output += d.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited early:\n${output}`);
    try {
      if ((await fetch(`${url}${healthPath}`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`${what} did not become healthy:\n${output}`);
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

/** Starts the production build (`next start`) with the given environment and waits for /api/health. */
export async function startServer(env: Record<string, string | undefined>, port?: number): Promise<RunningServer> {
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  return spawnUntilHealthy(
    'server',
    ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'],
    {
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      LOG_LEVEL: 'info',
      POSTERN_URL: url,
      NEXTAUTH_URL: url,
      DATA_DIR: env.DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'postern-http-')),
      PGLITE_IN_MEMORY: undefined,
      ...env,
    },
    url,
    '/api/health',
  );
}

/**
 * The production build as a second instance of this test's console: the same database and
 * root secret, and a DATA_DIR of its own that stop() removes.
 */
export async function startConsole(env: Record<string, string | undefined> = {}): Promise<RunningServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'postern-http-'));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  try {
    const server = await startServer({
      DATABASE_URL: process.env.DATABASE_URL,
      SECRET_KEY: process.env.SECRET_KEY,
      DATA_DIR: dataDir,
      ...env,
    });
    return { ...server, stop: () => server.stop().finally(removeDataDir) };
  } catch (err) {
    removeDataDir();
    throw err;
  }
}

/** A TCP relay to PostgreSQL that a test can cut and restore: "the database is down". */
export async function startRelay(target = { host: '127.0.0.1', port: 5432 }) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const port = await freePort();
  const open = () =>
    new Promise<void>((resolve) => {
      server = createNetServer((client) => {
        const upstream = connect(target.port, target.host);
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', resolve);
    });
  await open();
  return {
    port,
    cut: async () => {
      const closed = new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      for (const s of sockets) s.destroy();
      sockets.clear();
      await closed;
      server = null;
    },
    restore: open,
  };
}
