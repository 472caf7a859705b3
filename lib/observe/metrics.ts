// Prometheus metrics (prom-client), shared by the console and the verifier: decisions by
// result, reason and proxy family, decision latency, the verify caches, the state version
// and how fresh it is. Label values come from closed sets only (never a user id, path or
// host), so a scrape's size does not grow with traffic. Framework-free.
import { createHash, timingSafeEqual } from 'node:crypto';
import client from 'prom-client';
import { observeDecisions, type Decision } from '@/lib/verify/core';
import { decisionLogDropped } from '@/lib/observe/decision-log';

/** The engine's cache counters (lib/verify/engine.ts `stats`). */
export interface CacheStats {
  tokenHits: number;
  tokenMisses: number;
  accountHits: number;
  accountMisses: number;
  decisionHits: number;
  decisionMisses: number;
}

/** What the process knows about its state: the version it decides by and when it last knew it was current. */
export interface StateSource {
  version(): bigint | null;
  /** Epoch ms of the last word that the state is current (verifier: the console; console: the epoch poll). */
  lastSync(): number | null;
}

interface Metrics {
  registry: client.Registry;
  decisions: client.Counter<'result' | 'reason' | 'family'>;
  latency: client.Histogram<'family'>;
  sources: { cache?: () => CacheStats; state?: StateSource };
  counting: boolean;
}

function create(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const sources: Metrics['sources'] = {};

  const decisions = new client.Counter({
    name: 'postern_decisions_total',
    help: 'Verify decisions by result (allow, deny, error), reason and endpoint family (token, forward-auth, auth-request, ext-authz).',
    labelNames: ['result', 'reason', 'family'] as const,
    registers: [registry],
  });

  const latency = new client.Histogram({
    name: 'postern_decision_duration_seconds',
    help: 'Time spent deciding (from the decision core receiving the request to its answer), by endpoint family.',
    labelNames: ['family'] as const,
    buckets: [0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });

  new client.Counter({
    name: 'postern_verify_cache_requests_total',
    help: 'Verify cache lookups by cache (token: verified signatures; account: account state; decision: a route decision remembered for the same caller and request) and result (hit, miss).',
    labelNames: ['cache', 'result'] as const,
    registers: [registry],
    collect() {
      const read = sources.cache;
      if (!read) return;
      const s = read();
      this.reset();
      this.inc({ cache: 'token', result: 'hit' }, s.tokenHits);
      this.inc({ cache: 'token', result: 'miss' }, s.tokenMisses);
      this.inc({ cache: 'account', result: 'hit' }, s.accountHits);
      this.inc({ cache: 'account', result: 'miss' }, s.accountMisses);
      this.inc({ cache: 'decision', result: 'hit' }, s.decisionHits);
      this.inc({ cache: 'decision', result: 'miss' }, s.decisionMisses);
    },
  });

  new client.Counter({
    name: 'postern_decision_log_dropped_total',
    help: 'Decision log lines dropped because the log destination did not keep up (8 MiB waiting) or refused them.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(decisionLogDropped());
    },
  });

  new client.Gauge({
    name: 'postern_state_version',
    help: 'The state version this process decides by (moves on every change the verify path reads).',
    registers: [registry],
    collect() {
      const v = sources.state?.version();
      if (v != null) this.set(Number(v));
    },
  });

  new client.Gauge({
    name: 'postern_state_age_seconds',
    help: 'Seconds since this process last knew its state was current (a verifier: since it last heard from the console).',
    registers: [registry],
    collect() {
      const t = sources.state?.lastSync();
      if (t != null) this.set(Math.max(0, (Date.now() - t) / 1000));
    },
  });

  return { registry, decisions, latency, sources, counting: false };
}

// One registry per process: Next.js may evaluate this module once per route bundle.
const metrics: Metrics = ((globalThis as { __posternMetrics?: Metrics }).__posternMetrics ??= create());
export const registry = metrics.registry;

/** The label for a decision's result: allow, deny (401, 403, 400) or error (503). */
const resultOf = (d: Decision) => (d.allow ? 'allow' : d.status >= 500 ? 'error' : 'deny');

/**
 * Counts every decision of this process from now on (idempotent). Children are cached per
 * label set, so counting costs two map lookups and two additions per decision.
 */
export function countDecisions(source: { cache?: () => CacheStats; state?: StateSource } = {}): void {
  if (source.cache) metrics.sources.cache = source.cache;
  if (source.state) metrics.sources.state = source.state;
  if (metrics.counting) return;
  metrics.counting = true;
  const { decisions, latency } = metrics;
  const counters = new Map<string, client.Counter.Internal>();
  const timers = new Map<string, client.Histogram.Internal<'family'>>();
  observeDecisions((d) => {
    const result = resultOf(d);
    const key = `${result} ${d.reason} ${d.endpoint}`;
    let c = counters.get(key);
    if (!c) counters.set(key, (c = decisions.labels({ result, reason: d.reason, family: d.endpoint })));
    c.inc();
    let h = timers.get(d.endpoint);
    if (!h) timers.set(d.endpoint, (h = latency.labels({ family: d.endpoint })));
    h.observe(d.latencyMs / 1000);
  });
}

/** The registry's text exposition and its content type. */
export async function scrape(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** In a cluster worker: answer the primary's aggregation requests from this registry. */
export function answerClusterScrapes(): void {
  client.AggregatorRegistry.setRegistries([registry]);
}

/** The metrics of every worker of this cluster, summed (call in the cluster's primary). */
export function clusterScrape(): () => Promise<{ contentType: string; body: string }> {
  const aggregator = new client.AggregatorRegistry();
  return async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() });
}

/**
 * Whether an Authorization header carries `Bearer <token>` (compared in constant time).
 * With no token configured, nothing matches.
 */
export function bearerMatches(header: string | null | undefined, token: string | undefined): boolean {
  if (!token || !header) return false;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!m) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[1]!), digest(token));
}
