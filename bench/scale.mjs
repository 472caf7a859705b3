#!/usr/bin/env node
// node bench/scale.mjs (npm run bench:scale): the console and a verifier at scale, on PostgreSQL.
//
// It makes its own database (postern_bench_<timestamp>) on BENCH_PG_URL, lets
// bench/seed.ts apply the migrations, add a verifier and BENCH_REVOKE accounts with real
// tokens, then seeds BENCH_ACCOUNTS service accounts and BENCH_ROUTES routes (each with
// three of BENCH_POLICIES policies, across 100 namespaces) with plain SQL
// (INSERT … SELECT generate_series: seconds, not hours). Then, against the *built* app
// (npm run build first) on that database:
//
//   1. snapshot      GET /api/v1/verifier/snapshot as a verifier calls it: time and size
//   2. ready         a verifier worker (VERIFIER_WORKERS=1), from spawn to /readyz 200, and
//                    the snapshot load it logs; goal <= 2 s
//   3. memory        its RSS once ready, and after a short load run on the token and the
//                    policy path; goal < 150 MB
//   4. propagation   BENCH_REVOKE accounts revoked one by one through the console's data
//                    layer (bench/seed.ts revoke-service-accounts, DATABASE_URL), each
//                    polled on the verifier until it answers 401: ms from commit to 401,
//                    p50 / p99; goal p99 <= 100 ms
//
// The database is dropped on exit, Ctrl-C included. See bench/README.md.
//
// Environment: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres: a role
// that may CREATE DATABASE), BENCH_ACCOUNTS (100000), BENCH_ROUTES (10000), BENCH_POLICIES
// (1000), BENCH_REVOKE (50), BENCH_LOAD_SECONDS (5 per path), BENCH_CONNECTIONS (50),
// BENCH_CPU_PROF=1 (profile the verifier: bench/results/prof-scale-<timestamp>/),
// BENCH_STRICT=1 (exit 1 when a goal is missed).
import autocannon from 'autocannon';
import {
  BenchError,
  seeder,
  finishOnSignals,
  freePort,
  positiveInt,
  start,
  stopChildren,
  tail,
  VERIFIER_NODE_ARGS,
  waitReady,
  withPgClient,
} from './processes.mjs';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair } from 'jose';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);

const PG_URL = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const ACCOUNTS = positiveInt('BENCH_ACCOUNTS', 100_000);
const ROUTES = positiveInt('BENCH_ROUTES', 10_000);
const POLICIES = positiveInt('BENCH_POLICIES', 1_000);
const REVOKE = positiveInt('BENCH_REVOKE', 50);
const LOAD_SECONDS = positiveInt('BENCH_LOAD_SECONDS', 5);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 50);
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const STRICT = process.env.BENCH_STRICT === '1';
const NAMESPACES = 100;
const GOALS = { readyMs: 2_000, rssMiB: 150, propagationP99Ms: 100 };
const STAMP = new Date().toISOString().replace(/[:.]/g, '-');
const DB_NAME = `postern_bench_${STAMP.replace(/-/g, '_').toLowerCase()}`;
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

// ─── Children, the database and cleanup (as in verify.mjs) ─────────────────────────────
let tmpDir = null;
let dbCreated = false;
let currentLoad = null;

const admin = (fn) => withPgClient(PG_URL, fn);

let finishing = false;
async function finish(code) {
  if (finishing) return;
  finishing = true;
  currentLoad?.stop();
  await stopChildren(CPU_PROF ? 20_000 : 5_000);
  if (dbCreated)
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`)).catch((err) =>
      console.error(`bench: could not drop ${DB_NAME}: ${err.message}`),
    );
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  process.exit(code);
}
finishOnSignals(finish);

/** A process's VmRSS in MiB (Linux). */
function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return +(Number(/^VmRSS:\s*(\d+) kB$/m.exec(status)?.[1] ?? 0) / 1024).toFixed(1);
}

const now = () => performance.timeOrigin + performance.now();

// ─── Setup ──────────────────────────────────────────────────────────────────────────────

/**
 * Everything at once with INSERT … SELECT generate_series. Namespaces ns-1…ns-100 under
 * global; policies spread over them, each a distinct PPL text that allows the accounts
 * the seeder made (probe-*) and one seeded account; routes r<i>.scale.invalid, each with three
 * policies of its namespace; accounts svc-<i> (a tenth expiring, a hundredth disabled).
 */
async function seed(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = Date.now();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO namespaces (id, name, name_key, parent_id, updated_at)
         SELECT 'ns-' || i, 'Namespace ' || i, 'namespace ' || i, 'global', now() FROM generate_series(1, $1) i`,
      [NAMESPACES],
    );
    await client.query(
      `INSERT INTO policies (id, namespace_id, name, name_key, ppl, updated_at)
         SELECT gen_random_uuid(), 'ns-' || (1 + i % $2), 'policy ' || i, 'policy ' || i,
           E'allow:\\n  or:\\n    - user:\\n        is: svc-' || i || E'\\n    - user:\\n        starts_with: probe-\\n',
           now()
         FROM generate_series(1, $1) i`,
      [POLICIES, NAMESPACES],
    );
    await client.query(
      `INSERT INTO routes (id, namespace_id, name, host, path_prefix, to_urls, updated_at)
         SELECT gen_random_uuid(), 'ns-' || (1 + i % $2), 'route ' || i, 'r' || i || '.scale.invalid',
           CASE WHEN i % 4 = 0 THEN '/api' ELSE '/' END, ARRAY['http://127.0.0.1:9'], now()
         FROM generate_series(1, $1) i`,
      [ROUTES, NAMESPACES],
    );
    // Three policies of the route's own namespace each (namespace k holds policies ≡ k-1 mod 100).
    await client.query(
      `INSERT INTO route_policies (route_id, policy_id)
         SELECT DISTINCT r.id, p.id FROM routes r
           CROSS JOIN LATERAL (SELECT id FROM policies p WHERE p.namespace_id = r.namespace_id
                               ORDER BY p.name_key OFFSET (abs(hashtext(r.host)) % 7) LIMIT 3) p
         WHERE r.host LIKE '%.scale.invalid'`,
    );
    await client.query(
      `INSERT INTO service_accounts (id, namespace_id, user_id, user_id_key, description, disabled, expires_at, modified_at)
         SELECT gen_random_uuid(), CASE WHEN i % 2 = 0 THEN 'global' ELSE 'ns-' || (1 + i % $2) END,
           'svc-' || i, 'svc-' || i, 'seeded by bench/scale.mjs', i % 100 = 0,
           CASE WHEN i % 10 = 0 THEN now() + interval '30 days' END, now()
         FROM generate_series(1, $1) i`,
      [ACCOUNTS, NAMESPACES],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
  return Date.now() - started;
}

const waitFor = (url, child, logFile, what, timeoutMs) =>
  waitReady(url, child, logFile, what, { timeoutMs, pollMs: 20 });

function load(opts) {
  return new Promise((resolve, reject) => {
    currentLoad = autocannon({ connections: CONNECTIONS, duration: LOAD_SECONDS, ...opts }, (err, r) => {
      currentLoad = null;
      if (err) reject(err);
      else if (r.non2xx || r.errors)
        reject(new BenchError(`load on ${opts.url}: ${r.non2xx} non-2xx, ${r.errors} errors`));
      else resolve(r);
    });
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (n, d = 1) => +n.toFixed(d);

// ─── Main ──────────────────────────────────────────────────────────────────────────────
async function main() {
  if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID')))
    throw new BenchError('no build found (.next/BUILD_ID): run npm run build first');
  if (!existsSync(path.join(ROOT, '.verifier', 'verifier.mjs')))
    throw new BenchError('no verifier build (.verifier/verifier.mjs): run npm run build first');
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'postern-scale-'));
  await admin((c) => c.query(`CREATE DATABASE ${DB_NAME}`));
  dbCreated = true;
  const dbUrl = new URL(PG_URL);
  dbUrl.pathname = `/${DB_NAME}`;
  const port = await freePort();
  const app = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    SECRET_KEY: randomBytes(32).toString('base64url'),
    POSTERN_URL: app,
    NEXTAUTH_URL: app,
    NEXT_TELEMETRY_DISABLED: '1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ADMIN_EMAIL: 'bench@postern.invalid',
    ADMIN_PASSWORD: randomBytes(24).toString('base64url'),
  };
  delete env.DATA_DIR;
  delete env.PGLITE_IN_MEMORY;
  console.log(
    `bench: database ${DB_NAME} (dropped on exit); migrations, a verifier and ${REVOKE} accounts via the seeder`,
  );
  const credential = await seeder(env, ['create-verifier', '--name', 'bench-scale']).done;
  const probes = (
    await seeder(env, [
      'create-service-accounts',
      '--namespace',
      'global',
      '--user-id-prefix',
      'probe',
      '--count',
      String(REVOKE),
    ]).done
  )
    .split('\n')
    .map((line) => {
      const [id, token] = line.split(' ');
      return { id, token };
    });
  console.log(
    `bench: seeding ${ACCOUNTS} accounts, ${ROUTES} routes, ${POLICIES} policies, ${NAMESPACES} namespaces with SQL`,
  );
  const seedMs = await seed(env.DATABASE_URL);
  console.log(`bench: seeded in ${(seedMs / 1000).toFixed(1)} s; starting the built app on ${app}`);

  const appLog = path.join(tmpDir, 'app.log');
  let fd = openSync(appLog, 'a');
  const server = start('app', ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
    env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  await waitFor(`${app}/api/health`, server, appLog, 'the app');

  // 1. The snapshot as a verifier asks for it (its own ECDH key each time).
  const snapshots = [];
  for (let i = 0; i < 3; i++) {
    const { publicKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
    const { kty, crv, x, y } = await exportJWK(publicKey);
    const t0 = now();
    const res = await fetch(`${app}/api/v1/verifier/snapshot`, {
      headers: {
        authorization: `Bearer ${credential}`,
        'x-postern-verifier-key': Buffer.from(JSON.stringify({ kty, crv, x, y })).toString('base64url'),
      },
    });
    const body = await res.arrayBuffer();
    const ms = now() - t0;
    if (res.status !== 200) throw new BenchError(`snapshot: HTTP ${res.status}`);
    snapshots.push({ ms: round(ms), bytes: body.byteLength });
  }
  console.log(
    `bench: snapshot ${(snapshots[0].bytes / 1048576).toFixed(1)} MiB in ${snapshots.map((s) => s.ms).join(' / ')} ms (cold, then warm)`,
  );

  // 2. A verifier worker: spawn → /readyz 200. LOG_LEVEL=info for its "snapshot loaded" line.
  const vPort = await freePort();
  const vLog = path.join(tmpDir, 'verifier.log');
  fd = openSync(vLog, 'a');
  const profDir = path.join(RESULTS_DIR, `prof-scale-${STAMP}`);
  const spawnedAt = now();
  const verifier = start(
    'verifier',
    [...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), ...VERIFIER_NODE_ARGS],
    {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        POSTERN_URL: app,
        VERIFIER_CREDENTIAL: credential,
        VERIFIER_HOST: '127.0.0.1',
        VERIFIER_PORT: String(vPort),
        VERIFIER_WORKERS: '1',
      },
      stdio: ['ignore', fd, fd],
    },
  );
  closeSync(fd);
  const vBase = `http://127.0.0.1:${vPort}`;
  await waitFor(`${vBase}/readyz`, verifier, vLog, 'the verifier', 60_000);
  const readyMs = now() - spawnedAt;
  const logLines = readFileSync(vLog, 'utf8').split('\n');
  const parsed = logLines.flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
  const listening = parsed.find((l) => l.msg === 'verifier: listening');
  const loaded = parsed.find((l) => l.msg === 'verifier: snapshot loaded');
  const listenMs = listening ? listening.time - spawnedAt : null;
  const rssReady = rssMiB(verifier.pid);
  console.log(
    `bench: verifier ready in ${Math.round(readyMs)} ms after spawn (listening after ${Math.round(listenMs)} ms; snapshot fetched and applied in ${loaded?.ms} ms); RSS ${rssReady} MiB`,
  );

  // 3. A short load run on the token path and on the policy path of a seeded route.
  const auth = { authorization: `Pomerium ${probes[0].token}` };
  const policyHeaders = {
    ...auth,
    'x-forwarded-host': `r${Math.ceil(ROUTES / 2) + 1}.scale.invalid`,
    'x-forwarded-proto': 'https',
    'x-forwarded-uri': '/orders/42',
    'x-forwarded-method': 'GET',
  };
  for (const [url, headers] of [
    [`${vBase}/api/v1/verify`, auth],
    [`${vBase}/api/v1/verify/forward-auth`, policyHeaders],
  ]) {
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new BenchError(`${url}: expected 200, got ${res.status}`);
  }
  console.log(`bench: load, ${CONNECTIONS} connections, ${LOAD_SECONDS} s per path`);
  const token = await load({ url: `${vBase}/api/v1/verify`, headers: auth });
  const policy = await load({ url: `${vBase}/api/v1/verify/forward-auth`, headers: policyHeaders });
  const rssAfterLoad = rssMiB(verifier.pid);

  // 4. Propagation: revoke through the console's data layer, poll the verifier until 401.
  console.log(`bench: propagation: revoking ${REVOKE} accounts one by one`);
  const commits = new Map();
  let commitWaiter = null;
  const revoker = seeder(env, ['revoke-service-accounts'], {
    onLine: (line) => {
      const [id, at] = line.split(' ');
      commits.set(id, Number(at));
      commitWaiter?.();
    },
  });
  const delays = [];
  for (const p of probes) {
    // The deadline runs from the commit: the first revocation also waits for the seeder to start.
    let until = Number.POSITIVE_INFINITY;
    let done = false;
    let deniedAt = null;
    // Polls from before the revocation, so a 401 that comes before the seeder reports the commit is seen too.
    const poller = (async () => {
      while (!done && Date.now() < until) {
        const res = await fetch(`${vBase}/api/v1/verify`, { headers: { authorization: `Pomerium ${p.token}` } });
        await res.arrayBuffer();
        if (res.status === 401) {
          deniedAt = now();
          return;
        }
        if (res.status !== 200) throw new BenchError(`propagation: the verifier answered ${res.status}`);
      }
    })();
    await sleep(20);
    revoker.child.stdin.write(`${p.id}\n`);
    while (!commits.has(p.id)) await new Promise((r) => (commitWaiter = r));
    until = Date.now() + 10_000;
    await poller;
    done = true;
    if (deniedAt === null)
      throw new BenchError(
        `propagation: ${p.id} still verified 10 s after its revocation\nverifier log:\n${tail(vLog)}\napp log:\n${tail(appLog)}`,
      );
    delays.push(Math.max(0, deniedAt - commits.get(p.id)));
    await sleep(50);
  }
  revoker.child.stdin.end();
  await revoker.done;
  const sorted = [...delays].sort((a, b) => a - b);
  const prop = {
    count: delays.length,
    p50: round(pct(sorted, 50)),
    p99: round(pct(sorted, 99)),
    max: round(sorted[sorted.length - 1]),
    atOrBeforeCommitReport: delays.filter((d) => d === 0).length,
  };

  // Report.
  const checks = [
    {
      name: 'verifier ready (spawn to /readyz 200), ms',
      value: Math.round(readyMs),
      goal: `<= ${GOALS.readyMs}`,
      pass: readyMs <= GOALS.readyMs,
    },
    { name: 'verifier RSS once ready, MiB', value: rssReady, goal: `< ${GOALS.rssMiB}`, pass: rssReady < GOALS.rssMiB },
    {
      name: 'verifier RSS after the load run, MiB',
      value: rssAfterLoad,
      goal: `< ${GOALS.rssMiB}`,
      pass: rssAfterLoad < GOALS.rssMiB,
    },
    {
      name: 'propagation p99 (commit to 401), ms',
      value: prop.p99,
      goal: `<= ${GOALS.propagationP99Ms}`,
      pass: prop.p99 <= GOALS.propagationP99Ms,
    },
  ];
  console.log('');
  console.log(
    `seeded                        ${ACCOUNTS} accounts, ${ROUTES} routes, ${POLICIES} policies in ${(seedMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `snapshot (console)            ${snapshots.map((s) => `${s.ms} ms`).join(', ')}; ${(snapshots[0].bytes / 1048576).toFixed(1)} MiB`,
  );
  console.log(`verifier listening            ${Math.round(listenMs)} ms after spawn (node start)`);
  console.log(`verifier snapshot load        ${loaded?.ms} ms (fetch, parse, keys, as the verifier logs it)`);
  console.log(
    `token path                    ${Math.round(token.requests.average)} req/s, p50 ${token.latency.p50} ms, p99 ${token.latency.p99} ms`,
  );
  console.log(
    `policy path                   ${Math.round(policy.requests.average)} req/s, p50 ${policy.latency.p50} ms, p99 ${policy.latency.p99} ms`,
  );
  console.log(
    `propagation (${prop.count} revocations)  p50 ${prop.p50} ms, p99 ${prop.p99} ms, max ${prop.max} ms (${prop.atOrBeforeCommitReport} seen before the seeder reported the commit)`,
  );
  console.log('');
  const w = Math.max(...checks.map((c) => c.name.length));
  for (const c of checks)
    console.log(
      `${c.name.padEnd(w)}  ${String(c.value).padStart(7)}   goal ${c.goal}  ${c.pass ? 'PASS' : 'FAIL  <<<<<<<<<<'}`,
    );

  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `scale-${STAMP}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        timestamp: new Date().toISOString(),
        node: process.version,
        cpus: { count: os.cpus().length, model: os.cpus()[0]?.model },
        loadAverage: os.loadavg(),
        settings: {
          accounts: ACCOUNTS,
          routes: ROUTES,
          policies: POLICIES,
          namespaces: NAMESPACES,
          revoke: REVOKE,
          loadSeconds: LOAD_SECONDS,
          connections: CONNECTIONS,
        },
        seedMs,
        snapshots,
        verifier: {
          readyMs: round(readyMs),
          listenMs: round(listenMs ?? NaN),
          snapshotLoadMs: loaded?.ms ?? null,
          rssReadyMiB: rssReady,
          rssAfterLoadMiB: rssAfterLoad,
        },
        load: {
          token: { reqPerSec: token.requests.average, p50: token.latency.p50, p99: token.latency.p99 },
          policy: { reqPerSec: policy.requests.average, p50: policy.latency.p50, p99: policy.latency.p99 },
        },
        propagation: { ...prop, delaysMs: delays.map((d) => round(d, 2)) },
        checks,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nbench: figures written to ${path.relative(ROOT, file)}`);
  if (CPU_PROF)
    console.log(`bench: the verifier's CPU profile will be in ${path.relative(ROOT, profDir)}/ once it has stopped`);
  return STRICT && checks.some((c) => !c.pass) ? 1 : 0;
}

main().then(
  (code) => finish(code),
  (err) => {
    if (finishing) return;
    console.error(err instanceof BenchError ? `bench: ${err.message}` : `bench: ${err?.stack ?? err}`);
    return finish(1);
  },
);
