// npm run verifier: the decision server without Next.js and without database credentials.
// It needs POSTERN_URL (the console) and VERIFIER_CREDENTIAL (from the Verifiers page).
//
//   VERIFIER_PORT            HTTP port (default 3001)       VERIFIER_HOST  bind address (default 0.0.0.0)
//   VERIFIER_WORKERS         node:cluster workers (default: the number of cores; 1 = no cluster)
//   VERIFIER_MAX_STALENESS   seconds it keeps deciding from memory without word from the console (default 10)
//   TRUSTED_PROXY_HOPS       as for the console (lib/net/client-address.ts)
//   VERIFIER_GRPC_PORT       port of Envoy's ext_authz gRPC service, envoy.service.auth.v3.Authorization
//                            (lib/verifier/grpc.ts), on VERIFIER_HOST; default off (unset, empty or 0)
//   VERIFIER_METRICS_PORT    Prometheus /metrics on its own port (all workers summed); default off
//   VERIFIER_METRICS_HOST    its bind address (default 127.0.0.1)
//   METRICS_TOKEN            when set, /metrics also needs `Authorization: Bearer <token>`
//   DECISION_LOG, DECISION_LOG_SAMPLE   the decision log (lib/observe/decision-log.ts)
//   SHUTDOWN_TIMEOUT_MS      on SIGTERM/SIGINT: how long requests in flight may take to finish (default 20000)
import cluster from 'node:cluster';
import http from 'node:http';
import os from 'node:os';
import { log as baseLog } from '@/lib/log';
import { trustedProxyHops } from '@/lib/net/client-address';
import { VerifyEngine } from '@/lib/verify/engine';
import { Replica } from '@/lib/verifier/replica';
import { SyncClient } from '@/lib/verifier/sync';
import { verifierHandler } from '@/lib/verifier/server';
import { startGrpcServer } from '@/lib/verifier/grpc';
import { drainServer } from '@/lib/net/drain';
import { answerClusterScrapes, bearerMatches, clusterScrape, countDecisions, scrape } from '@/lib/observe/metrics';
import { readDecisionLogSettings, startDecisionLog, type DecisionLogSettings } from '@/lib/observe/decision-log';

const log = baseLog.child({ component: 'verifier' });

/** Token audience: the console's (lib/config.ts tokenAudience). */
const AUDIENCE = 'postern';

export interface VerifierSettings {
  url: string;
  credential: string;
  port: number;
  host: string;
  workers: number;
  maxStalenessMs: number;
  hops: number;
  /** 0: no gRPC service. */
  grpcPort: number;
  /** 0: no metrics port. */
  metricsPort: number;
  metricsHost: string;
  metricsToken: string | undefined;
  decisionLog: DecisionLogSettings;
  /** How long a shutdown waits for requests in flight (SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

export function readSettings(env = process.env): VerifierSettings {
  const url = (env.POSTERN_URL ?? '').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(url))
    throw new Error('POSTERN_URL must be the console URL, e.g. https://postern.example.com');
  const credential = env.VERIFIER_CREDENTIAL ?? '';
  if (!credential) throw new Error('VERIFIER_CREDENTIAL is required: add a verifier on the console’s Verifiers page');
  return {
    url,
    credential,
    port: whole(env, 'VERIFIER_PORT', 3001, 0, 65535),
    host: env.VERIFIER_HOST || '0.0.0.0',
    workers: whole(env, 'VERIFIER_WORKERS', os.availableParallelism(), 1, 256),
    maxStalenessMs: whole(env, 'VERIFIER_MAX_STALENESS', 10, 1, 3600) * 1000,
    hops: trustedProxyHops(env.TRUSTED_PROXY_HOPS),
    grpcPort: whole(env, 'VERIFIER_GRPC_PORT', 0, 0, 65535),
    metricsPort: whole(env, 'VERIFIER_METRICS_PORT', 0, 0, 65535),
    metricsHost: env.VERIFIER_METRICS_HOST || '127.0.0.1',
    metricsToken: env.METRICS_TOKEN || undefined,
    decisionLog: readDecisionLogSettings(env),
    shutdownTimeoutMs: whole(env, 'SHUTDOWN_TIMEOUT_MS', 20_000, 0, 600_000),
  };
}

/** One worker: its own replica, sync stream and HTTP server. */
export async function startWorker(s: VerifierSettings): Promise<{ server: http.Server; stop: () => Promise<void> }> {
  const { privateKey, publicJwk } = await Replica.decryptionKeyPair();
  let sync: SyncClient | null = null;
  const replica = new Replica(s.maxStalenessMs, privateKey, (ids, usage) => sync!.sendAccessed(ids, usage));
  sync = new SyncClient({ url: s.url, credential: s.credential, publicJwk, replica, log });
  const engine = new VerifyEngine({
    store: replica,
    freshness: replica,
    issuer: () => replica.issuer,
    audience: AUDIENCE,
    log,
  });
  if (cluster.isWorker) answerClusterScrapes();
  countDecisions({
    cache: () => engine.stats,
    state: { version: () => replica.version, lastSync: () => replica.lastHeard || null },
  });
  const stopDecisionLog = startDecisionLog(s.decisionLog, 'verifier');
  const grpcServer = s.grpcPort
    ? await startGrpcServer({ engine, hops: s.hops, log, host: s.host, port: s.grpcPort })
    : null;
  void sync.run();
  let draining = false;
  const handle = verifierHandler({ engine, replica, hops: s.hops, log, draining: () => draining });
  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    // While draining, each answer closes its connection: clients reconnect elsewhere.
    if (draining) res.setHeader('connection', 'close');
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(s.port, s.host, () => resolve());
  });
  return {
    server,
    // No new connections; the requests in flight finish (at most shutdownTimeoutMs), and
    // only then is what they counted sent to the console.
    stop: async () => {
      draining = true;
      const [drained] = await Promise.all([drainServer(server, s.shutdownTimeoutMs), grpcServer?.stop()]);
      if (!drained) log.warn({ timeoutMs: s.shutdownTimeoutMs }, 'verifier: requests still in flight were cut');
      if (!(await engine.flushAccessed())) log.warn('verifier: usage counted since the last report is lost');
      sync?.stop();
      engine.close();
      await stopDecisionLog();
    },
  };
}

/**
 * Prometheus metrics on their own port: in a cluster the primary serves every worker's
 * metrics summed (prom-client's AggregatorRegistry), otherwise the one process its own.
 */
async function startMetricsServer(
  s: VerifierSettings,
  read: () => Promise<{ contentType: string; body: string }>,
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (s.metricsToken && !bearerMatches(req.headers.authorization, s.metricsToken)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('unauthorized\n');
      return;
    }
    read().then(
      ({ contentType, body }) =>
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body),
      (err: unknown) => {
        log.warn({ err: (err as Error)?.message }, 'verifier: metrics unavailable');
        res.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(s.metricsPort, s.metricsHost, () => resolve());
  });
  log.info({ port: s.metricsPort, host: s.metricsHost }, 'verifier: metrics listening');
  return server;
}

export async function main(): Promise<void> {
  let s: VerifierSettings;
  try {
    s = readSettings();
  } catch (err) {
    console.error(`verifier: ${(err as Error).message}`);
    process.exit(2);
  }
  if (s.workers > 1 && cluster.isPrimary) {
    log.info({ workers: s.workers, port: s.port, console: s.url }, 'verifier: starting workers');
    let stopping = false;
    for (let i = 0; i < s.workers; i++) cluster.fork();
    if (s.metricsPort) await startMetricsServer(s, clusterScrape());
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return;
      log.warn({ pid: worker.process.pid, code, signal }, 'verifier: worker exited; starting another');
      setTimeout(() => cluster.fork(), 500);
    });
    const stop = () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
      // Workers drain for at most SHUTDOWN_TIMEOUT_MS, then report their counts.
      setTimeout(() => process.exit(0), s.shutdownTimeoutMs + 15_000).unref();
      cluster.on('exit', () => {
        if (!Object.keys(cluster.workers ?? {}).length) process.exit(0);
      });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    return;
  }
  const worker = await startWorker(s);
  if (s.metricsPort) await startMetricsServer(s, scrape);
  const addr = worker.server.address();
  log.info(
    { port: typeof addr === 'object' ? addr?.port : s.port, console: s.url, pid: process.pid },
    'verifier: listening',
  );
  const stop = () => void worker.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
