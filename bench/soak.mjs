#!/usr/bin/env node
// node bench/soak.mjs [--minutes 10] (npm run soak): the verify path under sustained load while
// the console changes what it must answer. Not part of CI. See bench/README.md, "npm run soak".
//
// On a database of its own (postern_soak_<timestamp> on BENCH_PG_URL, dropped on exit) it
//   1. seeds --accounts service accounts and a route whose policy allows half of them, with the
//      bench seeder (seedWithBenchSeeder below);
//   2. starts the production server (`next start`, npm run build first) on that database;
//   3. drives verify with autocannon at the highest rate it gets (no rate limit, --connections),
//      half on the token path (/api/v1/verify), half on the policy path (forward-auth to the
//      route), each request with a random token of the pool (active, revoked, disabled);
//   4. meanwhile a console (bench/soak-console.ts, a second console instance on the same
//      database, through the data-access layer) creates, revokes, disables, re-enables accounts
//      and edits the policy, one change every --change-ms;
//   5. a checker holds every answer against the state at that moment: the expected decision is
//      modelled from the sequence of committed changes; during the propagation window of a
//      change (from when it was sent until --window-ms after its commit was seen) either the
//      old or the new answer is right, everywhere else only the exact one;
//   6. samples the server's RSS every second.
// It asserts zero non-503 errors, zero wrong decisions and RSS growth under 10% after the
// first minute, and writes bench/results/soak-<date>-<HHMM>.{md,json,png} (the chart: req/s and RSS
// over time, an SVG screenshotted with Chromium). Exit 0 when every assertion holds.
//
// Options: --minutes (10), --connections (32), --accounts (200), --change-ms (500),
// --window-ms (2000), --out-prefix (soak-<date>-<HHMM>), --render <run.json>, --self-test (the model ignores the policy
// edits: the checker must then report wrong decisions and the run fail); BENCH_PG_URL
// (postgres://postgres@127.0.0.1:5432/postgres), CHROMIUM_PATH (/usr/bin/chromium).
import autocannon from 'autocannon';
import {
  BenchError,
  finishOnSignals,
  freePort,
  seeder,
  start,
  stopChildren,
  waitReady,
  withPgClient,
} from './processes.mjs';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);

const { values: opts } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    accounts: { type: 'string', default: '200' },
    'change-ms': { type: 'string', default: '500' },
    'window-ms': { type: 'string', default: '2000' },
    'out-prefix': { type: 'string' },
    // Proves the checker can fail: the model ignores the policy edits, so answers must disagree.
    'self-test': { type: 'boolean', default: false },
    // Writes the report and the chart again from a run's .json (no load, no database).
    render: { type: 'string' },
  },
});
const num = (name, min) => {
  const n = Number(opts[name]);
  if (!Number.isFinite(n) || n < min) {
    console.error(`soak: --${name} must be a number ≥ ${min}, got "${opts[name]}"`);
    process.exit(2);
  }
  return n;
};
const MINUTES = num('minutes', 0.1);
const CONNECTIONS = Math.round(num('connections', 1));
const ACCOUNTS = Math.round(num('accounts', 4));
const CHANGE_MS = num('change-ms', 10);
const WINDOW_MS = num('window-ms', 0);
const DURATION_S = Math.round(MINUTES * 60);
/** RSS growth is measured from the end of the first minute (or the first fifth of a shorter run). */
const WARMUP_S = Math.min(60, Math.round(DURATION_S / 5));
const RSS_GROWTH_LIMIT = 0.1;
const PG_URL = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const STAMP = new Date().toISOString().replace(/[:.]/g, '-');
const DB_NAME = `postern_soak_${STAMP.replace(/-/g, '_').toLowerCase()}`;
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const OUT_PREFIX = opts['out-prefix'] ?? `soak-${STAMP.slice(0, 10)}-${STAMP.slice(11, 13)}${STAMP.slice(14, 16)}`;
const ROUTE_HOST = 'soak.example.test';
const POLICY_NAME = 'soak-policy';

const now = () => performance.timeOrigin + performance.now();

// ─── Children, the database and cleanup (as in scale.mjs) ──────────────────────────────
let tmpDir = null;
let dbCreated = false;
let currentLoad = null;

const admin = (fn) => withPgClient(PG_URL, fn);

let finishing = false;
async function finish(code) {
  if (finishing) return;
  finishing = true;
  currentLoad?.stop();
  await stopChildren(5_000);
  if (dbCreated)
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`)).catch((err) =>
      console.error(`soak: could not drop ${DB_NAME}: ${err.message}`),
    );
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  process.exit(code);
}
finishOnSignals(finish);

const waitFor = (url, child, logFile, what, timeoutMs) =>
  waitReady(url, child, logFile, what, { timeoutMs, pollMs: 50 });

/** RSS of a process group (the server and anything it forked), MiB, from /proc. */
function groupRssMiB(pgid) {
  let kb = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      kb += Number(/^VmRSS:\s*(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* gone meanwhile */
    }
  }
  return kb / 1024;
}

/** User + system CPU seconds of a process group so far (/proc, clock ticks of 1/100 s). */
function groupCpuSeconds(pgid) {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone meanwhile */
    }
  }
  return ticks / 100;
}

// ─── Seeding ───────────────────────────────────────────────────────────────────────────

const allowUsersPpl = (users) => `allow:\n  or:\n    - user:\n        in: [${['nobody-soak', ...users].join(', ')}]\n`;
const subOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub;

/**
 * The bench seeder (bench/seed.ts): `count` accounts that never expire, and the soak
 * route behind one policy allowing `allowed(userIds)`. The one place to re-point when the
 * seeder moves. Runs before the server starts.
 */
async function seedWithBenchSeeder(env, { count, allowed }) {
  const lines = await seeder(env, [
    'create-service-accounts',
    '--namespace',
    'global',
    '--user-id-prefix',
    'soak',
    '--count',
    String(count),
  ]).done;
  const accounts = lines.split('\n').map((line) => {
    const [id, token] = line.split(' ');
    return { id, token, userId: subOf(token) };
  });
  const policyFile = path.join(tmpDir, `${POLICY_NAME}.yaml`);
  const users = allowed(accounts.map((a) => a.userId));
  writeFileSync(policyFile, allowUsersPpl(users));
  await seeder(env, [
    'create-route',
    '--namespace',
    'global',
    '--name',
    'soak',
    '--from',
    `https://${ROUTE_HOST}`,
    '--to',
    'http://127.0.0.1:9',
    '--policy-file',
    policyFile,
  ]).done;
  return { accounts, users };
}

// ─── The model: what each answer must be ───────────────────────────────────────────────

/**
 * A history of states, each visible from when the change that made it was sent until the
 * next change's commit was seen plus the propagation window.
 */
class History {
  constructor(initial) {
    this.entries = [{ sent: -Infinity, committed: -Infinity, value: initial }];
  }
  push(sent, value) {
    const entry = { sent, committed: null, value };
    this.entries.push(entry);
    return entry;
  }
  get current() {
    return this.entries.at(-1).value;
  }
  /** Every value possibly visible to a request in flight during [from, to]. */
  candidates(from, to) {
    const out = [];
    for (let k = this.entries.length - 1; k >= 0; k--) {
      const e = this.entries[k];
      const next = this.entries[k + 1];
      if (e.sent > to) continue;
      // A change whose commit is not yet seen keeps the state before it visible.
      if (next && next.sent <= to && next.committed !== null && next.committed + WINDOW_MS < from) break;
      out.push(e.value);
    }
    return out;
  }
}

/** 'active' | 'revoked' | 'disabled' | 'absent' → the answer's signature, per path. */
function expected(path, state, allowed, userId) {
  if (state !== 'active') return state === 'disabled' ? '401 disabled' : '401 revoked';
  if (path === 'token') return '200';
  return allowed.has(userId) ? '200' : '403';
}

function signature(status, body) {
  if (status === 401) {
    try {
      return `401 ${JSON.parse(body).error}`;
    } catch {
      return '401 ?';
    }
  }
  return String(status);
}

// ─── Main ──────────────────────────────────────────────────────────────────────────────

async function main() {
  if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID')))
    throw new BenchError('no build found (.next/BUILD_ID): run npm run build first');
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'postern-soak-'));
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
    // One log line per denial would measure the disk: the decision log is off (bench/README.md).
    DECISION_LOG: 'off',
    ADMIN_EMAIL: 'soak@postern.invalid',
    ADMIN_PASSWORD: randomBytes(24).toString('base64url'),
  };
  delete env.DATA_DIR;
  delete env.PGLITE_IN_MEMORY;
  const load1 = os.loadavg()[0];
  console.log(`soak: database ${DB_NAME} (dropped on exit); seeding ${ACCOUNTS} accounts and the route`);
  const seeded = await seedWithBenchSeeder(env, {
    count: ACCOUNTS,
    allowed: (userIds) => userIds.filter((_, i) => i % 2 === 0),
  });

  // The model: per account its state history, and the policy's allowed users.
  const accounts = new Map(); // id → { id, userId, token, history }
  for (const a of seeded.accounts) accounts.set(a.id, { ...a, history: new History('active') });
  const policy = new History(new Set(seeded.users));
  /** Tokens the load picks from (the array autocannon's setupRequest reads). */
  const pool = seeded.accounts.map((a) => accounts.get(a.id));

  const appLog = path.join(tmpDir, 'app.log');
  const fd = openSync(appLog, 'a');
  const server = start('app', ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
    env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  await waitFor(`${app}/api/health`, server, appLog, 'the server');

  // The console: a second instance on the database, one change at a time.
  const consoleLog = path.join(tmpDir, 'console.log');
  const cfd = openSync(consoleLog, 'a');
  const driver = start(
    'console',
    ['--conditions=react-server', '--import', 'tsx', 'bench/soak-console.ts', '--policy', POLICY_NAME],
    { env, stdio: ['pipe', 'pipe', cfd] },
  );
  closeSync(cfd);
  const replies = readline.createInterface({ input: driver.stdout })[Symbol.asyncIterator]();
  const reply = async () => {
    const { value, done } = await replies.next();
    if (done) throw new BenchError(`the console driver stopped:\n${tail(consoleLog)}`);
    return JSON.parse(value);
  };
  await reply(); // ready

  // ─── The checker ─────────────────────────────────────────────────────────────────────
  const pending = [];
  let inFlight = null; // the change sent and not yet seen committed
  const stats = {
    total: 0,
    byPath: { token: 0, policy: 0 },
    bySignature: {},
    status503: 0,
    errors: 0, // non-503 errors: other statuses, socket errors, timeouts
    errorExamples: [],
    wrong: 0,
    wrongExamples: [],
    inWindow: 0,
  };
  const checkUpTo = (horizon) => {
    let i = 0;
    for (; i < pending.length && pending[i].recv < horizon; i++) {
      const r = pending[i];
      if (r.sig === '503') {
        stats.status503++;
        continue;
      }
      const acc = r.account;
      const states = acc.history.candidates(r.sent, r.recv);
      const sets = r.path === 'policy' ? policy.candidates(r.sent, r.recv) : [null];
      const ok = new Set();
      for (const s of states) for (const set of sets) ok.add(expected(r.path, s, set, acc.userId));
      if (ok.size > 1) stats.inWindow++;
      if (!ok.has(r.sig)) {
        if (!['200', '401 revoked', '401 disabled', '403'].includes(r.sig)) {
          stats.errors++;
          if (stats.errorExamples.length < 20) stats.errorExamples.push({ ...r, account: acc.id });
        } else {
          stats.wrong++;
          if (stats.wrongExamples.length < 20)
            stats.wrongExamples.push({ path: r.path, account: acc.id, got: r.sig, expected: [...ok], at: r.recv });
        }
      }
    }
    pending.splice(0, i);
  };
  const checker = setInterval(() => checkUpTo(inFlight ? inFlight.sent : now() - 1), 250);

  // ─── Samples: per-second throughput and the server's RSS ─────────────────────────────
  const t0 = now();
  const cpu0 = groupCpuSeconds(server.pid);
  const perSecond = [];
  const rss = [];
  const sampler = setInterval(() => {
    rss.push({
      t: (now() - t0) / 1000,
      mib: groupRssMiB(server.pid),
      load: os.loadavg()[0],
      cpu: groupCpuSeconds(server.pid),
      answered: stats.total,
    });
  }, 1000);
  const second = (t) => Math.floor((t - t0) / 1000);
  const countAt = (t) => {
    const s = second(t);
    if (s < 0) return;
    perSecond[s] = (perSecond[s] ?? 0) + 1;
  };

  // ─── The console's changes ───────────────────────────────────────────────────────────
  const changes = { create: 0, revoke: 0, disable: 0, enable: 0, policy: 0, refused: 0 };
  let created = 0;
  let stopChanges = false;
  const pick = (list) => list[Math.floor(Math.random() * list.length)];
  const changer = (async () => {
    while (!stopChanges) {
      await sleep(CHANGE_MS);
      if (stopChanges) break;
      const all = [...accounts.values()];
      const live = all.filter((a) => a.history.current === 'active');
      const disabled = all.filter((a) => a.history.current === 'disabled');
      const roll = Math.random();
      let cmd;
      let apply; // (sent) → the History entry the change adds
      if (roll < 0.25 || live.length < 10) {
        const userId = `soak-new-${++created}`;
        cmd = { op: 'create', userId };
        apply = null; // added once the reply names the account
      } else if (roll < 0.4) {
        const a = pick(live);
        cmd = { op: 'revoke', id: a.id };
        apply = (sent) => a.history.push(sent, 'revoked');
      } else if (roll < 0.6) {
        const a = pick(live);
        cmd = { op: 'disable', id: a.id };
        apply = (sent) => a.history.push(sent, 'disabled');
      } else if (roll < 0.75 && disabled.length) {
        const a = pick(disabled);
        cmd = { op: 'enable', id: a.id };
        apply = (sent) => a.history.push(sent, 'active');
      } else {
        const users = all.filter(() => Math.random() < 0.5).map((a) => a.userId);
        cmd = { op: 'policy', users };
        apply = opts['self-test'] ? null : (sent) => policy.push(sent, new Set(users));
      }
      const sent = now();
      const entry = apply?.(sent) ?? null;
      inFlight = { sent };
      driver.stdin.write(`${JSON.stringify(cmd)}\n`);
      const r = await reply();
      const committed = now();
      if (!r.ok) {
        // A refused change changed nothing: its entry repeats the state before it.
        changes.refused++;
        if (entry) entry.value = entry === policy.entries.at(-1) ? policy.entries.at(-2).value : accountBefore(entry);
        console.error(`soak: the console refused ${cmd.op}: ${r.error}`);
      } else changes[cmd.op]++;
      if (entry) entry.committed = committed;
      if (cmd.op === 'create' && r.ok) {
        const a = { id: r.id, token: r.token, userId: cmd.userId, history: new History('absent') };
        a.history.push(sent, 'active').committed = committed;
        accounts.set(a.id, a);
        pool.push(a);
      }
      inFlight = null;
    }
  })();
  function accountBefore(entry) {
    for (const a of accounts.values()) {
      const k = a.history.entries.indexOf(entry);
      if (k > 0) return a.history.entries[k - 1].value;
    }
    return entry.value;
  }

  // ─── The load ────────────────────────────────────────────────────────────────────────
  console.log(
    `soak: ${MINUTES} min against ${app}, ${CONNECTIONS} connections, a change every ${CHANGE_MS} ms, ` +
      `propagation window ${WINDOW_MS} ms`,
  );
  const progress = setInterval(() => {
    const s = Math.round((now() - t0) / 1000);
    const last = perSecond.slice(-6, -1);
    const rate = last.length ? Math.round(last.reduce((a, b) => a + (b ?? 0), 0) / last.length) : 0;
    console.log(
      `soak: ${s}s ${rate} req/s, RSS ${rss.at(-1)?.mib.toFixed(0) ?? '?'} MiB, checked ${stats.total - pending.length}, ` +
        `wrong ${stats.wrong}, errors ${stats.errors}, 503 ${stats.status503}, changes ${Object.values(changes).reduce((a, b) => a + b, 0)}`,
    );
  }, 30_000);
  const setupRequest = (req, context) => {
    const account = pool[Math.floor(Math.random() * pool.length)];
    context.account = account;
    context.sent = now();
    req.headers = { authorization: `Bearer Pomerium-${account.token}` };
    if (Math.random() < 0.5) {
      context.path = 'token';
      req.path = '/api/v1/verify';
    } else {
      context.path = 'policy';
      req.path = '/api/v1/verify/forward-auth';
      req.headers['x-forwarded-method'] = 'GET';
      req.headers['x-forwarded-proto'] = 'https';
      req.headers['x-forwarded-host'] = ROUTE_HOST;
      req.headers['x-forwarded-uri'] = '/soak';
    }
    return req;
  };
  const onResponse = (status, body, context) => {
    const recv = now();
    stats.total++;
    stats.byPath[context.path]++;
    const sig = signature(status, body);
    stats.bySignature[sig] = (stats.bySignature[sig] ?? 0) + 1;
    countAt(recv);
    pending.push({ path: context.path, account: context.account, sent: context.sent, recv, sig });
  };
  const result = await new Promise((resolve, reject) => {
    currentLoad = autocannon(
      {
        url: app,
        connections: CONNECTIONS,
        duration: DURATION_S,
        timeout: 10,
        requests: [{ method: 'GET', path: '/api/v1/verify', setupRequest, onResponse }],
      },
      (err, r) => {
        currentLoad = null;
        if (err) reject(err);
        else resolve(r);
      },
    );
  });
  stopChanges = true;
  await changer;
  clearInterval(progress);
  clearInterval(sampler);
  clearInterval(checker);
  checkUpTo(Infinity);
  const load2 = os.loadavg()[0];
  const serverCpuMsPerRequest = ((groupCpuSeconds(server.pid) - cpu0) * 1000) / Math.max(1, stats.total);
  // Socket errors and timeouts never reach onResponse: autocannon counts them.
  stats.errors += result.errors;

  // ─── Figures ─────────────────────────────────────────────────────────────────────────
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.floor(s.length / 2)] : 0;
  };
  const base = median(rss.filter((r) => r.t >= WARMUP_S && r.t < WARMUP_S + 10).map((r) => r.mib));
  const end = median(rss.filter((r) => r.t >= DURATION_S - 10).map((r) => r.mib));
  const max = Math.max(...rss.filter((r) => r.t >= WARMUP_S).map((r) => r.mib));
  const growth = base ? end / base - 1 : 0;
  const figures = {
    date: new Date().toISOString(),
    machine: {
      cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`,
      memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
      os: `${os.type()} ${os.release()}`,
      node: process.version,
      loadAverageBefore: +load1.toFixed(2),
      loadAverageAfter: +load2.toFixed(2),
      loadAverageDuringMean: +(rss.reduce((a, r) => a + r.load, 0) / Math.max(1, rss.length)).toFixed(2),
      loadAverageDuringMax: +Math.max(0, ...rss.map((r) => r.load)).toFixed(2),
    },
    settings: {
      minutes: MINUTES,
      connections: CONNECTIONS,
      seededAccounts: ACCOUNTS,
      changeEveryMs: CHANGE_MS,
      propagationWindowMs: WINDOW_MS,
    },
    requests: stats.total,
    requestsPerSecond: Math.round(stats.total / DURATION_S),
    byPath: stats.byPath,
    answers: stats.bySignature,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      p999: result.latency.p99_9,
      max: result.latency.max,
      mean: result.latency.average,
    },
    serverCpuMsPerRequest: +serverCpuMsPerRequest.toFixed(3),
    changes,
    checkedInPropagationWindow: stats.inWindow,
    status503: stats.status503,
    nonServiceUnavailableErrors: stats.errors,
    timeouts: result.timeouts,
    wrongDecisions: stats.wrong,
    rssMiB: { afterWarmup: +base.toFixed(1), end: +end.toFixed(1), max: +max.toFixed(1), growth: +growth.toFixed(4) },
    // Array.from, not map: map skips a sparse array's holes (a second without answers).
    perSecond: Array.from({ length: DURATION_S }, (_, i) => perSecond[i] ?? 0),
    rss: rss.map((r) => ({ t: +r.t.toFixed(1), mib: +r.mib.toFixed(1) })),
    loadAverage: rss.map((r) => ({ t: +r.t.toFixed(1), load: +r.load.toFixed(2) })),
    // Server CPU ms per answer over 10 s windows: a server that slows down shows here, the neighbours hardly.
    cpuMsPerRequest: rss
      .map((r, i) => {
        const prev = rss[i - 10];
        if (!prev || i % 10 !== 0 || r.answered === prev.answered) return null;
        return { t: +r.t.toFixed(1), ms: +(((r.cpu - prev.cpu) * 1000) / (r.answered - prev.answered)).toFixed(3) };
      })
      .filter(Boolean),
    errorExamples: stats.errorExamples,
    wrongExamples: stats.wrongExamples,
  };
  const verdicts = [
    ['zero non-503 errors', stats.errors === 0],
    ['zero wrong decisions', stats.wrong === 0],
    [`RSS growth after ${WARMUP_S} s under ${RSS_GROWTH_LIMIT * 100}%`, growth < RSS_GROWTH_LIMIT],
  ];
  figures.verdicts = Object.fromEntries(verdicts);

  mkdirSync(RESULTS_DIR, { recursive: true });
  const base_ = path.join(RESULTS_DIR, OUT_PREFIX);
  writeFileSync(`${base_}.json`, `${JSON.stringify(figures, null, 2)}\n`);
  writeFileSync(`${base_}.md`, report(figures, verdicts, path.basename(`${base_}.png`)));
  await renderChart(figures, `${base_}.png`).catch((err) => console.error(`soak: no chart: ${err.message}`));
  console.log(readFileSync(`${base_}.md`, 'utf8'));
  console.log(`soak: wrote ${base_}.{md,json,png}`);
  return verdicts.every(([, ok]) => ok) ? 0 : 1;
}

// ─── Report and chart ──────────────────────────────────────────────────────────────────

function report(f, verdicts, png) {
  const l = f.latencyMs;
  const c = f.changes;
  return `# Soak run, ${f.date.slice(0, 16).replace('T', ' ')} UTC

${f.settings.minutes} minute(s) of verify traffic at the highest rate autocannon gets
(${f.settings.connections} connections, no rate limit; half token path \`/api/v1/verify\`,
half policy path \`/api/v1/verify/forward-auth\`) against the production build on PostgreSQL,
while a second console instance made a change every ${f.settings.changeEveryMs} ms.
Produced by \`npm run soak\` (bench/soak.mjs).

**Machine:** ${f.machine.cpus}, ${f.machine.memoryGiB} GiB, ${f.machine.os}, Node ${f.machine.node}.
Load generator, server, console driver and PostgreSQL share the machine. Load average
(1 min) ${f.machine.loadAverageBefore} before, ${f.machine.loadAverageDuringMean} on average during the run (max
${f.machine.loadAverageDuringMax}), ${f.machine.loadAverageAfter} after: other work on the machine included.

| assertion | result |
| --- | --- |
${verdicts.map(([name, ok]) => `| ${name} | ${ok ? 'PASS' : 'FAIL'} |`).join('\n')}

| figure | value |
| --- | --- |
| requests | ${f.requests} (token ${f.byPath.token}, policy ${f.byPath.policy}) |
| throughput | ${f.requestsPerSecond} req/s (mean) |
| server CPU per request | ${f.serverCpuMsPerRequest} ms (user + system; moves less than req/s with the neighbours) |
| latency p50 / p90 / p99 / p99.9 / max | ${l.p50} / ${l.p90} / ${l.p99} / ${l.p999} / ${l.max} ms |
| answers | ${Object.entries(f.answers)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')} |
| wrong decisions | ${f.wrongDecisions} |
| non-503 errors (incl. socket errors, timeouts) | ${f.nonServiceUnavailableErrors} |
| 503 (fail closed) | ${f.status503} |
| answers judged inside a propagation window (either answer right) | ${f.checkedInPropagationWindow} |
| console changes | ${c.create} creates, ${c.revoke} revokes, ${c.disable} disables, ${c.enable} re-enables, ${c.policy} policy edits (${c.refused} refused) |
| server RSS | ${f.rssMiB.afterWarmup} MiB after the first minute, ${f.rssMiB.end} MiB at the end (growth ${(f.rssMiB.growth * 100).toFixed(1)}%), max ${f.rssMiB.max} MiB |

![throughput, RSS, server CPU per answer and the machine's load over time](${png})

How the checker decides: each answer is compared with the state modelled from the console's
committed changes. A change counts from when it was sent; the state before it stays possible
until ${f.settings.propagationWindowMs} ms after its commit was seen (the propagation window), so
answers in that window may be either; every other answer must match exactly (status, and the
error for a 401: revoked or disabled).
${
  f.wrongExamples.length
    ? `\nWrong decisions (first ${f.wrongExamples.length}):\n\n${f.wrongExamples.map((w) => `- ${JSON.stringify(w)}`).join('\n')}\n`
    : ''
}${
  f.errorExamples.length
    ? `\nErrors (first ${f.errorExamples.length}):\n\n${f.errorExamples.map((w) => `- ${JSON.stringify({ path: w.path, got: w.sig })}`).join('\n')}\n`
    : ''
}`;
}

function chartSvg(f) {
  const W = 1000;
  const H = 940;
  const left = 70;
  const right = 20;
  const panelH = 160;
  const tops = [50, 280, 510, 740];
  const seconds = Math.max(1, f.perSecond.length);
  const x = (t) => left + (t / seconds) * (W - left - right);
  const panel = (top, title, unit, points, color) => {
    const maxY = Math.max(1, ...points.map((p) => p[1])) * 1.1;
    const y = (v) => top + panelH - (v / maxY) * panelH;
    const line = points.map(([t, v], i) => `${i ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((q) => {
      const v = maxY * q;
      return `<line x1="${left}" x2="${W - right}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/><text x="${left - 8}" y="${y(v) + 4}" text-anchor="end" font-size="11">${Math.round(v)}</text>`;
    });
    const minutes = Array.from({ length: Math.floor(seconds / 60) + 1 }, (_, m) => m).map(
      (m) =>
        `<line x1="${x(m * 60)}" x2="${x(m * 60)}" y1="${top}" y2="${top + panelH}" stroke="#f3f4f6"/><text x="${x(m * 60)}" y="${top + panelH + 16}" text-anchor="middle" font-size="11">${m} min</text>`,
    );
    return `<text x="${left}" y="${top - 12}" font-size="14" font-weight="600">${title}</text><text x="${left - 8}" y="${top - 12}" text-anchor="end" font-size="11">${unit}</text>${ticks.join('')}${minutes.join('')}<path d="${line}" fill="none" stroke="${color}" stroke-width="1.5"/><rect x="${left}" y="${top}" width="${W - left - right}" height="${panelH}" fill="none" stroke="#9ca3af"/>`;
  };
  const warm = x(Math.min(60, seconds / 5));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif"><rect width="${W}" height="${H}" fill="white"/>
${panel(
  tops[0],
  `Verify throughput, mean ${f.requestsPerSecond} req/s; p99 ${f.latencyMs.p99} ms`,
  'req/s',
  f.perSecond.map((v, i) => [i + 0.5, v]),
  '#2563eb',
)}
${panel(
  tops[1],
  `Server RSS, growth after warm-up ${(f.rssMiB.growth * 100).toFixed(1)}%`,
  'MiB',
  f.rss.map((r) => [r.t, r.mib]),
  '#dc2626',
)}
${panel(
  tops[2],
  `Server CPU per answer (10 s windows), mean ${f.serverCpuMsPerRequest} ms`,
  'ms',
  f.cpuMsPerRequest.map((c) => [c.t, c.ms]),
  '#059669',
)}
${panel(
  tops[3],
  'Machine load average (1 min; 2 cores, shared with other work)',
  'load',
  f.loadAverage.map((l) => [l.t, l.load]),
  '#6b7280',
)}
<line x1="${warm}" x2="${warm}" y1="${tops[1]}" y2="${tops[1] + panelH}" stroke="#6b7280" stroke-dasharray="4 3"/>
<text x="${W - right}" y="${H - 8}" text-anchor="end" font-size="11" fill="#6b7280">npm run soak, ${f.date.slice(0, 16).replace('T', ' ')} UTC, ${f.machine.cpus}</text>
</svg>`;
}

/** The SVG, screenshotted by Chromium (Playwright's driver, the system's browser: no new native dependency). */
async function renderChart(f, file) {
  const svg = chartSvg(f);
  writeFileSync(file.replace(/\.png$/, '.svg'), svg);
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium' });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 940 } });
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: file });
  } finally {
    await browser.close();
  }
}

async function rerender(jsonFile) {
  const figures = JSON.parse(readFileSync(jsonFile, 'utf8'));
  figures.perSecond = figures.perSecond.map((n) => n ?? 0);
  const out = jsonFile.replace(/\.json$/, '');
  const verdicts = Object.entries(figures.verdicts);
  writeFileSync(`${out}.json`, `${JSON.stringify(figures, null, 2)}\n`);
  writeFileSync(`${out}.md`, report(figures, verdicts, path.basename(`${out}.png`)));
  await renderChart(figures, `${out}.png`);
  console.log(`soak: wrote ${out}.{md,png}`);
  return 0;
}

(opts.render ? rerender(path.resolve(opts.render)) : main()).then(
  (code) => finish(code),
  (err) => {
    console.error(err instanceof BenchError ? `soak: ${err.message}` : `soak: ${err?.stack ?? err}`);
    void finish(1);
  },
);
