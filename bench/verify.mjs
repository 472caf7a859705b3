#!/usr/bin/env node
// npm run bench:verify: how much does the forward-auth check cost on top of the framework?
//
// It starts the *built* app (npm run build first) on a fresh PGlite DATA_DIR with one
// service account made by bench/seed.ts, plus bench/bare-server.mjs (a bare ES256 check
// per request), and drives each target with autocannon, one at a time:
//   trivial  the app's GET /api/version: what any route costs in this framework
//   verify   the app's GET /api/v1/verify with a valid token
//   bare     node:http + jose jwtVerify per request, no cache: the cost of the crypto alone
//   bare-cached  the same with a verified-token cache: the floor for a node:http verifier
//   verifier, verifier-cluster  the standalone verifier (npm run verifier) following the
//            app, with VERIFIER_WORKERS=1 and with the default (one worker per core), each
//            on the token path and the policy path
//   verifier-logged  the one-worker verifier with DECISION_LOG=all (a line per decision,
//            to a file): the decision log's cost, goal >= 0.90 of verifier
// See bench/README.md for how to read the ratios.
//
// Environment: BENCH_DURATION (seconds per target, default 10, split over BENCH_ROUNDS
// interleaved rounds, default 3), BENCH_WARMUP (seconds per
// target, default 2), BENCH_CONNECTIONS (default 50), BENCH_STRICT=1 (exit 1 when a goal
// is missed), BENCH_CPU_PROF=1 (run the app and the verifiers with --cpu-prof; the
// profiles land in bench/results/prof-<timestamp>/{app,verifier,verifier-cluster,verifier-logged}/),
// BENCH_TARGETS (comma-separated ids: run only these, e.g. verifier,bare-cached),
// BENCH_HOLD=1 (set up, print the targets as autocannon commands, wait for Ctrl-C),
// BENCH_VERIFIER_FLAGS (extra node flags for the verifiers, e.g. --perf-basic-prof),
// BENCH_LOGGED_FILE (where verifier-logged writes its lines: a file in the temp dir by
// default; /dev/null measures the logger without the file system), BENCH_LOGGED_MODE
// (verifier-logged's DECISION_LOG, default all; deny logs nothing here: a control run of
// two identical verifiers), BENCH_PIN=0 (do not pin: see pinCpus).
import { execFileSync } from 'node:child_process';
import autocannon from 'autocannon';
import {
  BenchError,
  seeder,
  finishOnSignals,
  exited,
  freePort,
  positiveInt,
  start,
  stopChildren,
  tail,
  VERIFIER_NODE_ARGS,
} from './processes.mjs';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { BENCH_HOST, BENCH_POLICIES } from './policies.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT); // the server and the seeder read prisma/migrations and .next relative to cwd

const DURATION = positiveInt('BENCH_DURATION', 10);
const ROUNDS = positiveInt('BENCH_ROUNDS', 3);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 50);
// JIT, caches and keep-alive sockets settle before we measure. On a slow machine 2 s is
// short (the first rounds still ran ~10% costlier in trials): raise it to compare runs.
const WARMUP_SECONDS = positiveInt('BENCH_WARMUP', 2);
const STRICT = process.env.BENCH_STRICT === '1';
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const GOALS = {
  throughputRatio: 0.9, // verify vs trivial, see README
  p99Ratio: 1.2,
  policyRatio: 0.85, // policy path vs token path (the app's and the verifier's)
  verifierVsBareCached: 0.5, // one verifier worker vs bare-cached
  verifierP99Ms: 5,
  decisionLogRatio: 0.9, // one worker logging every decision vs one that logs none (issue 12)
};
const ONLY = (process.env.BENCH_TARGETS ?? '')
  .split(',')
  .map((x) => x.trim())
  .filter(Boolean);
const STAMP = new Date().toISOString().replace(/[:.]/g, '-');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

// ─── Child processes and cleanup ────────────────────────────────────────────────────────
// Every child runs in its own process group (detached), so a forked grandchild (next
// start may fork) is stopped with it, and a terminal Ctrl-C reaches only us: we stop them.
let tmpDir = null;
let currentLoad = null; // the running autocannon instance, stopped on Ctrl-C

let finishing = false;
async function finish(code) {
  if (finishing) return;
  finishing = true;
  currentLoad?.stop();
  // A --cpu-prof server writes its profile while exiting: give it time.
  await stopChildren(CPU_PROF ? 20_000 : 5_000);
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  process.exit(code);
}

finishOnSignals(finish);

// ─── Setup ──────────────────────────────────────────────────────────────────────────────
function checkBuild() {
  const buildId = path.join(ROOT, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) throw new BenchError('no build found (.next/BUILD_ID): run npm run build first');
  if (!existsSync(path.join(ROOT, '.verifier', 'verifier.mjs')))
    throw new BenchError('no verifier build (.verifier/verifier.mjs): run npm run build first');
  // Not fatal, but a stale build benchmarks old code: say so.
  const built = statSync(buildId).mtimeMs;
  const newer = newestSource(['app', 'lib', 'components', 'instrumentation.ts', 'next.config.ts'], built);
  if (newer)
    console.warn(
      `bench: WARNING: ${newer} changed after the last build; run npm run build to measure the current code`,
    );
  return readFileSync(buildId, 'utf8').trim();
}

function newestSource(entries, than) {
  for (const entry of entries) {
    const full = path.join(ROOT, entry);
    if (!existsSync(full)) continue;
    const st = statSync(full);
    if (st.isDirectory()) {
      if (entry.endsWith('generated')) continue;
      const hit = newestSource(
        readdirSync(full).map((n) => path.join(entry, n)),
        than,
      );
      if (hit) return hit;
    } else if (/\.(ts|tsx|mjs|js|json|css)$/.test(entry) && !/\.test\.tsx?$/.test(entry) && st.mtimeMs > than) {
      return entry;
    }
  }
  return null;
}

const runSeed = (env, args) => seeder(env, args).done;

/** The route and its policies, made with bench/seed.ts before the server opens the data dir. */
async function createPolicyRoute(env, dir) {
  const files = Object.entries(BENCH_POLICIES).map(([name, ppl]) => {
    const file = path.join(dir, `${name}.yaml`);
    writeFileSync(file, ppl);
    return file;
  });
  await runSeed(env, [
    'create-route',
    '--namespace',
    'global',
    '--name',
    'bench',
    '--from',
    `https://${BENCH_HOST}`,
    '--to',
    'http://127.0.0.1:9',
    ...files.flatMap((f) => ['--policy-file', f]),
  ]);
}

/** Runs bench/seed.ts to completion; its stdout is the token. */
async function createToken(env) {
  const token = await runSeed(env, [
    'create-service-account',
    '--namespace',
    'global',
    '--user-id',
    'bench-bot',
    '--description',
    'bench:verify',
  ]);
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token))
    throw new BenchError(`the seeder printed no token: ${token.slice(0, 80)}`);
  return token;
}

async function waitHealthy(server, base, logFile) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exited(server))
      throw new BenchError(`the server exited (code ${server.exitCode}) before it was ready:\n${tail(logFile)}`);
    try {
      const res = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await sleep(250);
  }
  throw new BenchError(`the server was not healthy after 120 s:\n${tail(logFile)}`);
}

async function startBare(jwksUrl, cached) {
  const bare = start(cached ? 'bare-cached' : 'bare-server', ['bench/bare-server.mjs'], {
    env: { ...process.env, JWKS_URL: jwksUrl, PORT: '0', BARE_CACHE: cached ? '1' : '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: bare.stdout });
  const port = await new Promise((resolve, reject) => {
    bare.once('exit', (code) => reject(new BenchError(`bench/bare-server.mjs exited (code ${code}) before listening`)));
    lines.on('line', (line) => {
      const m = /^LISTENING (\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
    });
  });
  return { child: bare, base: `http://127.0.0.1:${port}` };
}

/**
 * A standalone verifier (npm run verifier) following the app. It gets only what a real
 * one gets: the console's URL and its credential, no database and no SECRET_KEY.
 */
async function startVerifier({ label, app, credential, workers, logFile, profDir, env = {} }) {
  const port = await freePort();
  const fd = openSync(logFile, 'a');
  const flags = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const extra = (process.env.BENCH_VERIFIER_FLAGS ?? '').split(' ').filter(Boolean);
  const child = start(
    label,
    [...flags, ...VERIFIER_NODE_ARGS.slice(0, -1), ...extra, ...VERIFIER_NODE_ARGS.slice(-1)],
    {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        POSTERN_URL: app,
        VERIFIER_CREDENTIAL: credential,
        VERIFIER_HOST: '127.0.0.1',
        VERIFIER_PORT: String(port),
        ...(workers ? { VERIFIER_WORKERS: String(workers) } : {}),
        ...env,
      },
      stdio: ['ignore', fd, fd],
    },
  );
  closeSync(fd);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited(child))
      throw new BenchError(`${label} exited (code ${child.exitCode}) before it was ready:\n${tail(logFile)}`);
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return { child, base };
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  throw new BenchError(`${label} was not ready after 60 s:\n${tail(logFile)}`);
}

/** One request per target before any load: a target that cannot answer right wastes the run. */
async function probe(url, headers, expected, what) {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  if (res.status !== expected) throw new BenchError(`${what}: expected ${expected}, got ${res.status} from ${url}`);
}

// ─── Measurement ───────────────────────────────────────────────────────────────────────
function load(target, seconds) {
  return new Promise((resolve, reject) => {
    currentLoad = autocannon(
      {
        url: target.url,
        method: target.method ?? 'GET',
        headers: target.headers ?? {},
        connections: CONNECTIONS,
        duration: seconds,
      },
      (err, result) => {
        currentLoad = null;
        if (err) reject(err);
        else resolve(result);
      },
    );
  });
}

// Linux reports CPU time in clock ticks of 1/100 s (USER_HZ, fixed at 100 for user space).
const TICKS_PER_SECOND = 100;

/**
 * A process and all its descendants (next start may fork), from /proc (Linux only):
 * VmRSS each, and their user + system CPU time together.
 */
function procTree(rootPid) {
  const stats = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The fields after the ")" that closes the command name (which may hold spaces):
      // [0] state, [1] ppid, …, [11] utime, [12] stime.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      /* exited meanwhile */
    }
  }
  const processes = [];
  let cpuTicks = 0;
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift();
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const name = /^Name:\s*(.*)$/m.exec(status)?.[1] ?? '?';
      const kb = Number(/^VmRSS:\s*(\d+) kB$/m.exec(status)?.[1] ?? 0);
      processes.push({ pid, name, rssMiB: +(kb / 1024).toFixed(1) });
      cpuTicks += stats.get(pid)?.ticks ?? 0;
    } catch {
      continue;
    }
    for (const [child, st] of stats) if (st.ppid === pid) queue.push(child);
  }
  return { processes, rssMiB: +processes.reduce((sum, p) => sum + p.rssMiB, 0).toFixed(1), cpuTicks };
}

const round = (n, d = 2) => (Number.isFinite(n) ? +n.toFixed(d) : null);

/**
 * With 2+ CPUs and taskset (util-linux), the load generator (this process) runs on CPU 0
 * and each one-process server on the others. Unpinned, on loopback, the scheduler often
 * wakes a server on the client's CPU and the two take turns there: the same verifier build
 * measured 18k or 31k req/s depending on the process instance (its CPU time per request
 * 54 against 32 µs), and comparing two processes (verifier-logged against verifier) read
 * anything from 0.76 to 1.34. The cluster is left unpinned: its workers are meant to
 * spread. Returns what it did, for the report.
 */
function pinCpus(targets) {
  const n = os.availableParallelism();
  if (process.env.BENCH_PIN === '0' || n < 2) return null;
  const servers = n === 2 ? '1' : `1-${n - 1}`;
  // The main thread only: a server's helper threads (libuv's pool writing the decision log,
  // V8's GC) may use any CPU, as they would in production.
  const pin = (pid, cpus) => execFileSync('taskset', ['-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
  try {
    pin(process.pid, '0');
  } catch {
    return null; // no taskset here
  }
  const pinned = new Set();
  for (const t of targets) {
    if (!t.process || t.id.startsWith('verifier-cluster') || pinned.has(t.process.pid)) continue;
    pinned.add(t.process.pid);
    for (const p of procTree(t.process.pid).processes) {
      try {
        pin(p.pid, servers);
      } catch {
        // Gone meanwhile (a short-lived helper of next start): nothing to pin.
      }
    }
  }
  return { loadGenerator: '0', servers };
}

// ─── Main ──────────────────────────────────────────────────────────────────────────────
async function main() {
  const buildId = checkBuild();
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'postern-bench-'));
  const port = await freePort();
  const app = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATA_DIR: tmpDir,
    SECRET_KEY: randomBytes(32).toString('base64url'), // shared by the seeder and the server: it seals the signing key
    POSTERN_URL: app,
    NEXTAUTH_URL: app,
    NEXT_TELEMETRY_DISABLED: '1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    // The seeder creates this administrator to act as; the password is never used or shown.
    ADMIN_EMAIL: 'bench@postern.invalid',
    ADMIN_PASSWORD: randomBytes(24).toString('base64url'),
  };
  // This benchmark measures the embedded PGlite setup, whatever the caller's shell says.
  delete env.DATABASE_URL;
  delete env.PGLITE_IN_MEMORY;

  // 1. The account first: PGlite allows one process per data dir, and the seeder closes it.
  console.log(`bench: data dir ${tmpDir}; creating a service account with bench/seed.ts`);
  const token = await createToken(env);
  console.log('bench: creating a route with 10 policies (the policy path)');
  await createPolicyRoute(env, tmpDir);
  console.log('bench: adding two verifiers (credentials printed by bench/seed.ts create-verifier)');
  const verifierCredential = await runSeed(env, ['create-verifier', '--name', 'bench-single']);
  const clusterCredential = await runSeed(env, ['create-verifier', '--name', 'bench-cluster']);
  const loggedCredential = await runSeed(env, ['create-verifier', '--name', 'bench-logged']);

  const logFile = path.join(tmpDir, 'server.log');
  const logFd = openSync(logFile, 'a');
  const profDir = path.join(RESULTS_DIR, `prof-${STAMP}`);
  const nodeFlags = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profDir, 'app')}`] : [];
  console.log(`bench: starting the built app (${buildId}) on ${app}`);
  const server = start(
    'server',
    [...nodeFlags, 'node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'],
    { env, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  await waitHealthy(server, app, logFile);

  // 2. The reference server reads the app's public keys once.
  const bare = await startBare(`${app}/.well-known/pomerium/jwks.json`, false);
  const bareCached = await startBare(`${app}/.well-known/pomerium/jwks.json`, true);

  // 3. The verifiers: a snapshot from the app, then its change stream.
  console.log('bench: starting the verifiers (VERIFIER_WORKERS=1, and the default)');
  const verifier = await startVerifier({
    label: 'verifier',
    app,
    credential: verifierCredential,
    workers: 1,
    logFile: path.join(tmpDir, 'verifier.log'),
    profDir: CPU_PROF ? path.join(profDir, 'verifier') : null,
  });
  const cluster = await startVerifier({
    label: 'verifier-cluster',
    app,
    credential: clusterCredential,
    workers: null,
    logFile: path.join(tmpDir, 'verifier-cluster.log'),
    profDir: CPU_PROF ? path.join(profDir, 'verifier-cluster') : null,
  });
  // The same single worker writing a decision log line for every decision (to a file).
  const logged = await startVerifier({
    label: 'verifier-logged',
    app,
    credential: loggedCredential,
    workers: 1,
    logFile: process.env.BENCH_LOGGED_FILE ?? path.join(tmpDir, 'verifier-logged.log'),
    profDir: CPU_PROF ? path.join(profDir, 'verifier-logged') : null,
    // BENCH_LOGGED_MODE=deny: a control run (the bench's requests are allowed, so nothing is logged).
    env: { DECISION_LOG: process.env.BENCH_LOGGED_MODE ?? 'all' },
  });

  const auth = { authorization: `Pomerium ${token}` };
  const policyHeaders = {
    ...auth,
    'x-forwarded-host': BENCH_HOST,
    'x-forwarded-proto': 'https',
    'x-forwarded-uri': '/orders/42',
    'x-forwarded-method': 'GET',
  };
  // The target list. `gated` targets are held to the goals against the trivial baseline;
  // `process` is the one whose CPU time and RSS are read.
  const targets = [
    { id: 'trivial', label: 'app GET /api/version', url: `${app}/api/version`, role: 'baseline', process: server },
    {
      id: 'verify',
      label: 'app GET /api/v1/verify',
      url: `${app}/api/v1/verify`,
      headers: auth,
      role: 'gated',
      process: server,
    },
    // The policy path: route lookup and 10 policies evaluated on every request.
    {
      id: 'verify-policy',
      label: 'app GET /api/v1/verify/forward-auth (10 policies)',
      url: `${app}/api/v1/verify/forward-auth`,
      headers: policyHeaders,
      role: 'gated',
      process: server,
    },
    {
      id: 'bare',
      label: 'bare node:http + jose ES256',
      url: `${bare.base}/`,
      headers: auth,
      role: 'reference',
      process: bare.child,
    },
    {
      id: 'bare-cached',
      label: 'bare node:http + jose, token cache',
      url: `${bareCached.base}/`,
      headers: auth,
      role: 'reference',
      process: bareCached.child,
    },
    ...[
      ['verifier', verifier, '1 worker'],
      ['verifier-cluster', cluster, `${os.availableParallelism()} workers`],
    ].flatMap(([id, v, workers]) => [
      {
        id,
        label: `verifier (${workers}) GET /api/v1/verify`,
        url: `${v.base}/api/v1/verify`,
        headers: auth,
        role: 'verifier',
        process: v.child,
      },
      {
        id: `${id}-policy`,
        label: `verifier (${workers}) forward-auth (10 policies)`,
        url: `${v.base}/api/v1/verify/forward-auth`,
        headers: policyHeaders,
        role: 'verifier',
        process: v.child,
      },
    ]),
    {
      id: 'verifier-logged',
      label: 'verifier (1 worker, DECISION_LOG=all) GET /api/v1/verify',
      url: `${logged.base}/api/v1/verify`,
      headers: auth,
      role: 'verifier',
      process: logged.child,
    },
  ].filter((t) => !ONLY.length || ONLY.includes(t.id) || t.id === 'trivial');

  // Sanity: the right answers for a valid token, and a 401 without one (so a 200 means a check ran).
  await probe(`${app}/api/version`, {}, 200, 'trivial');
  await probe(`${app}/api/v1/verify`, auth, 200, 'verify with the token');
  await probe(`${app}/api/v1/verify`, {}, 401, 'verify without a token');
  await probe(`${app}/api/v1/verify/forward-auth`, policyHeaders, 200, 'verify on the policy route');
  for (const b of [bare, bareCached]) {
    await probe(`${b.base}/`, auth, 200, 'bare with the token');
    await probe(`${b.base}/`, { authorization: 'Pomerium x.y.z' }, 401, 'bare with a bad token');
  }
  for (const v of [verifier, cluster]) {
    await probe(`${v.base}/api/v1/verify`, auth, 200, 'verifier with the token');
    await probe(`${v.base}/api/v1/verify`, {}, 401, 'verifier without a token');
    await probe(`${v.base}/api/v1/verify/forward-auth`, policyHeaders, 200, 'verifier on the policy route');
  }

  // BENCH_HOLD=1: set up, print each target as an autocannon command, and wait (for
  // profiling or strace by hand) until Ctrl-C.
  if (process.env.BENCH_HOLD) {
    for (const t of targets) {
      const h = Object.entries(t.headers ?? {}).map(([k, v]) => `-H '${k}: ${v}'`);
      const pid = t.process?.pid ?? '';
      console.log(
        `bench: hold: ${t.id} (pid ${pid}): npx autocannon -c ${CONNECTIONS} -d 10 ${h.join(' ')} '${t.url}'`,
      );
    }
    await new Promise(() => {});
  }
  // 4. One target at a time, so they never compete for the CPU.
  const pinning = pinCpus(targets);
  console.log(
    pinning
      ? `bench: load generator pinned to CPU ${pinning.loadGenerator}, servers (but the cluster) to CPU ${pinning.servers}`
      : 'bench: not pinned to CPUs (BENCH_PIN=0, one CPU, or no taskset)',
  );
  const loadAtStart = os.loadavg();
  console.log(
    `bench: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${DURATION} s per target in ${ROUNDS} interleaved rounds, ${os.cpus().length} CPUs, load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}`,
  );
  // The load generator shares the machine with the servers; other work skews every figure.
  if (loadAtStart[0] > os.cpus().length / 2) {
    console.warn('bench: WARNING: the machine is busy (1-min load average above half the CPUs): expect noisy figures');
  }
  // Every target is warmed up before any is measured: trivial and verify share the
  // framework's code paths, and whichever ran first would otherwise pay the JIT warm-up of
  // both (the first measured target came out ~1.7x costlier per request in trial runs).
  process.stdout.write('bench: warming up');
  for (const t of targets) {
    await load(t, WARMUP_SECONDS);
    process.stdout.write(` ${t.id}`);
  }
  console.log('');
  // Rounds, interleaved: each target runs DURATION/ROUNDS seconds per round, in an order
  // rotated every round, so periodic noise (GC, other processes, timers) lands on every
  // target alike instead of on whichever happened to run at that moment.
  const slice = Math.max(1, DURATION / ROUNDS);
  const acc = new Map(
    targets.map((t) => [
      t.id,
      {
        requests: 0,
        seconds: 0,
        p50: [],
        p99: [],
        max: 0,
        latencySum: 0,
        errors: 0,
        timeouts: 0,
        non2xx: 0,
        statusCodes: {},
        cpuTicks: 0,
        last: null,
      },
    ]),
  );
  for (let round = 0; round < ROUNDS; round++) {
    const order = targets.map((_, i) => targets[(i + round) % targets.length]);
    process.stdout.write(`bench: round ${round + 1}/${ROUNDS}:`);
    for (const t of order) {
      const a = acc.get(t.id);
      const before = procTree(t.process.pid);
      const r = await load(t, slice);
      const after = procTree(t.process.pid);
      a.requests += r.requests.total;
      a.seconds += r.duration;
      a.p50.push(r.latency.p50);
      a.p99.push(r.latency.p99);
      a.max = Math.max(a.max, r.latency.max);
      a.latencySum += r.latency.mean * r.requests.total;
      a.errors += r.errors;
      a.timeouts += r.timeouts;
      a.non2xx += r.non2xx;
      for (const [code, v] of Object.entries(r.statusCodeStats ?? {}))
        a.statusCodes[code] = { count: (a.statusCodes[code]?.count ?? 0) + v.count };
      a.cpuTicks += after.cpuTicks - before.cpuTicks;
      a.last = after;
      process.stdout.write(` ${t.id} ${Math.round(r.requests.total / r.duration)}`);
      // A benchmark of errors is worthless. Wrong answers (non-2xx): stop here, loudly.
      // Socket errors and timeouts (autocannon counts timeouts among errors): finish the
      // table so the figures can be seen, but the run fails (see the end of main).
      if (r.non2xx > 0) {
        throw new BenchError(
          [
            '',
            '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
            `!!! ${t.id}: ${r.non2xx} non-2xx responses (status codes: ${JSON.stringify(r.statusCodeStats)})`,
            '!!! the figures are not valid; fix the target first',
            '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
            t.process === server ? `server log (tail):\n${tail(logFile)}` : '',
            t.role === 'verifier' ? `verifier log (tail):\n${tail(path.join(tmpDir, `${t.process.label}.log`))}` : '',
          ].join('\n'),
        );
      }
      await sleep(300); // let the closed sockets drain before the next target
    }
    console.log('');
  }
  const median = (xs) => {
    const v = [...xs].sort((x, y) => x - y);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  const rows = targets.map((t) => {
    const a = acc.get(t.id);
    // CPU time per request barely depends on what else runs on the machine, unlike req/s
    // and latency: the figure to trust when the machine is busy.
    const cpuMsPerRequest = a.requests ? (a.cpuTicks * 1000) / TICKS_PER_SECOND / a.requests : NaN;
    return {
      id: t.id,
      label: t.label,
      role: t.role,
      url: t.url,
      reqPerSec: round(a.requests / a.seconds, 1),
      totalRequests: a.requests,
      // Latency percentiles: the median over the rounds.
      latencyMs: {
        p50: median(a.p50),
        p99: median(a.p99),
        mean: round(a.latencySum / Math.max(1, a.requests)),
        max: a.max,
      },
      errors: a.errors,
      timeouts: a.timeouts,
      non2xx: a.non2xx,
      statusCodes: a.statusCodes,
      serverCpuMsPerRequest: round(cpuMsPerRequest, 3),
      processLabel: t.process.label,
      rssAfter: { totalMiB: a.last.rssMiB, processes: a.last.processes },
    };
  });

  // 5. Ratios and verdicts.
  const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
  const base = byId.trivial;
  const ratios = [];
  for (const row of rows.filter((r) => r.role === 'gated')) {
    const tput = row.reqPerSec / base.reqPerSec;
    const p99 = row.latencyMs.p99 / base.latencyMs.p99;
    // The token-only path is held to issue 3's goals against the trivial handler; the
    // policy path to issue 4's (>= 0.85 of the token-only path), its other ratios shown.
    const policyPath = row.id === 'verify-policy';
    const checks = [
      {
        name: `${row.id} / trivial throughput`,
        value: round(tput),
        goal: policyPath ? 'info' : `>= ${GOALS.throughputRatio.toFixed(2)}`,
        pass: policyPath ? null : tput >= GOALS.throughputRatio,
      },
      {
        name: `${row.id} p99 / trivial p99`,
        value: round(p99),
        goal: policyPath ? 'info' : `<= ${GOALS.p99Ratio.toFixed(2)}`,
        pass: policyPath ? null : p99 <= GOALS.p99Ratio,
      },
    ];
    // Issue 4's goal: the policy path keeps at least 0.85 of the token-only path's throughput.
    if (row.id === 'verify-policy' && byId.verify) {
      const r = row.reqPerSec / byId.verify.reqPerSec;
      checks.push({ name: 'verify-policy / verify throughput', value: round(r), goal: '>= 0.85', pass: r >= 0.85 });
    }
    if (byId.bare)
      checks.push({
        name: `${row.id} / bare throughput`,
        value: round(row.reqPerSec / byId.bare.reqPerSec),
        goal: 'info',
        pass: null,
      });
    // Not a goal, but steadier than req/s on a busy machine: ~1/throughput ratio on an idle one.
    checks.push({
      name: `${row.id} / trivial server CPU per request`,
      value: round(row.serverCpuMsPerRequest / base.serverCpuMsPerRequest),
      goal: 'info',
      pass: null,
    });
    row.pass = checks.every((c) => c.pass !== false);
    ratios.push(...checks);
  }
  // The standalone verifier: one worker against bare-cached (the same node:http and token
  // cache, nothing else), with an absolute tail goal; each policy path against its token path.
  for (const row of rows.filter((r) => r.role === 'verifier')) {
    const checks = [];
    const policyOf = /^(.*)-policy$/.exec(row.id)?.[1];
    const ref = byId['bare-cached'];
    if (row.id === 'verifier') {
      if (ref) {
        const r = row.reqPerSec / ref.reqPerSec;
        checks.push({
          name: 'verifier / bare-cached throughput',
          value: round(r),
          goal: `>= ${GOALS.verifierVsBareCached.toFixed(2)}`,
          pass: r >= GOALS.verifierVsBareCached,
        });
      }
      checks.push({
        name: `verifier p99 ms (${CONNECTIONS} connections)`,
        value: row.latencyMs.p99,
        goal: `<= ${GOALS.verifierP99Ms}`,
        pass: row.latencyMs.p99 <= GOALS.verifierP99Ms,
      });
    } else if (!policyOf && ref && row.id !== 'verifier-logged') {
      checks.push({
        name: `${row.id} / bare-cached throughput`,
        value: round(row.reqPerSec / ref.reqPerSec),
        goal: 'info',
        pass: null,
      });
    }
    if (row.id === 'verifier-logged' && byId.verifier) {
      const r = row.reqPerSec / byId.verifier.reqPerSec;
      checks.push({
        name: 'verifier-logged / verifier throughput',
        value: round(r),
        goal: `>= ${GOALS.decisionLogRatio.toFixed(2)}`,
        pass: r >= GOALS.decisionLogRatio,
      });
    }
    if (policyOf && byId[policyOf]) {
      const r = row.reqPerSec / byId[policyOf].reqPerSec;
      checks.push({
        name: `${row.id} / ${policyOf} throughput`,
        value: round(r),
        goal: `>= ${GOALS.policyRatio.toFixed(2)}`,
        pass: r >= GOALS.policyRatio,
      });
    }
    if (ref)
      checks.push({
        name: `${row.id} / bare-cached server CPU per request`,
        value: round(row.serverCpuMsPerRequest / ref.serverCpuMsPerRequest),
        goal: 'info',
        pass: null,
      });
    row.pass = checks.every((c) => c.pass !== false);
    ratios.push(...checks);
  }

  printReport(rows, ratios);

  // 6. The figures, for comparison across runs.
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `verify-${STAMP}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        timestamp: new Date().toISOString(),
        buildId,
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        cpus: { count: os.cpus().length, model: os.cpus()[0]?.model, pinning },
        loadAverage: { atStart: loadAtStart, atEnd: os.loadavg() },
        settings: {
          durationSeconds: DURATION,
          warmupSeconds: WARMUP_SECONDS,
          connections: CONNECTIONS,
          database: 'pglite',
          verifierClusterWorkers: os.availableParallelism(),
        },
        goals: GOALS,
        targets: rows,
        ratios,
        valid: rows.every((r) => r.errors === 0),
        pass: rows.every((r) => r.pass !== false && r.errors === 0),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nbench: figures written to ${path.relative(ROOT, file)}`);
  if (CPU_PROF)
    console.log(`bench: the server's CPU profile will be in ${path.relative(ROOT, profDir)}/ once it has stopped`);

  const broken = rows.filter((r) => r.errors > 0);
  if (broken.length) {
    console.error(
      [
        '',
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
        ...broken.map((r) => `!!! ${r.id}: ${r.errors} socket errors (${r.timeouts} of them timeouts, > 10 s)`),
        '!!! these figures are not valid: rerun on a quieter machine, or fix the target',
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      ].join('\n'),
    );
    return 1;
  }
  const missed = rows.some((r) => r.pass === false);
  if (missed && STRICT) {
    console.error('bench: a target was missed (BENCH_STRICT=1): exit 1');
    return 1;
  }
  return 0;
}

function printReport(rows, ratios) {
  const verdict = (r) =>
    r.errors > 0
      ? 'INVALID'
      : r.role === 'baseline'
        ? 'baseline'
        : r.role === 'reference'
          ? 'reference'
          : r.pass
            ? 'PASS'
            : 'FAIL';
  const table = [
    ['target', 'req/s (mean)', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'CPU ms/req', 'verdict'],
    ...rows.map((r) => [
      `${r.id}: ${r.label}`,
      r.reqPerSec.toFixed(1),
      String(r.latencyMs.p50),
      String(r.latencyMs.p99),
      String(r.errors),
      String(r.non2xx),
      String(r.serverCpuMsPerRequest),
      verdict(r),
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((line) => line[i].length)));
  const fmt = (line) => line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(`\n${fmt(table[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const line of table.slice(1)) console.log(fmt(line));

  console.log('');
  const nameWidth = Math.max(...ratios.map((c) => c.name.length));
  for (const c of ratios) {
    const mark = c.pass === null ? '(reference, no goal)' : `goal ${c.goal}  ${c.pass ? 'PASS' : 'FAIL  <<<<<<<<<<'}`;
    console.log(`${c.name.padEnd(nameWidth)}  ${String(c.value).padStart(6)}   ${mark}`);
  }

  // RSS right after each run; the server's figure after verify is the one to watch.
  console.log('');
  for (const r of rows) {
    const parts = r.rssAfter.processes.map((p) => `${p.name}[${p.pid}] ${p.rssMiB}`).join(' + ');
    console.log(`RSS after ${r.id}: ${r.processLabel} ${r.rssAfter.totalMiB} MiB (${parts})`);
  }
}

main().then(
  (code) => finish(code),
  (err) => {
    if (finishing) return; // interrupted: the children were stopped on purpose
    console.error(err instanceof BenchError ? `bench: ${err.message}` : `bench: ${err?.stack ?? err}`);
    return finish(1);
  },
);
