// What the bench scripts share: settings from the environment, child processes in their own
// process groups (so a forked grandchild stops with them, and a terminal Ctrl-C reaches only
// the bench, which stops them), free ports and log tails.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export class BenchError extends Error {}

/** How `npm run verifier` starts the verifier's node (package.json); workers inherit it. */
export const VERIFIER_NODE_ARGS = ['--max-semi-space-size=2', '.verifier/verifier.mjs'];

export function positiveInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`bench: ${name} must be a positive whole number, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

export const children = new Set();

export function start(label, args, options) {
  const child = spawn(process.execPath, args, { ...options, detached: true });
  child.label = label;
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export const exited = (child) => child.exitCode !== null || child.signalCode !== null;

export function waitExit(child, ms) {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

/** SIGTERM to every child, SIGKILL to those still there after `graceMs`. */
export async function stopChildren(graceMs) {
  const running = [...children];
  for (const child of running) signalGroup(child, 'SIGTERM');
  await Promise.all(
    running.map(async (child) => {
      if (!(await waitExit(child, graceMs))) {
        signalGroup(child, 'SIGKILL');
        await waitExit(child, 2_000);
      }
    }),
  );
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Ctrl-C, SIGTERM and any unexpected failure end the run through `finish(code)`, which cleans up. */
export function finishOnSignals(finish) {
  process.on('SIGINT', () => {
    console.error('\nbench: interrupted, cleaning up');
    void finish(130);
  });
  process.on('SIGTERM', () => void finish(143));
  for (const event of ['uncaughtException', 'unhandledRejection'])
    process.on(event, (err) => {
      console.error(`bench: ${err?.stack ?? err}`);
      void finish(1);
    });
}

/**
 * bench/seed.ts (the bench's seeder, beside the database) with this environment; `done` resolves
 * to its stdout. With `onLine`, stdout lines are handed over as they come; `input` goes to stdin.
 */
export function seeder(env, args, { input, onLine } = {}) {
  const child = start('seed', ['--conditions=react-server', '--import', 'tsx', 'bench/seed.ts', ...args], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  if (onLine) readline.createInterface({ input: child.stdout }).on('line', onLine);
  else child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  if (input !== undefined) child.stdin.end(input);
  const done = new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new BenchError(`the seeder failed (exit ${code}):\n${err.trim()}`)),
    ),
  );
  return { child, done };
}

/** Polls `url` until it answers 200; fails with the log's tail if `child` exits or time runs out. */
export async function waitReady(url, child, logFile, what, { timeoutMs = 120_000, pollMs = 50 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited(child)) throw new BenchError(`${what} exited (code ${child.exitCode}):\n${tail(logFile)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await sleep(pollMs);
  }
  throw new BenchError(`${what} was not ready after ${timeoutMs / 1000} s:\n${tail(logFile)}`);
}

/** One PostgreSQL connection to `url` for `fn` (creating or dropping the bench's database). */
export async function withPgClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
