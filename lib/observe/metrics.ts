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
  decisions: DecisionCounts;
  latency: LatencyHistogram;
  sources: { cache?: () => CacheStats; state?: StateSource };
  counting: boolean;
}

/**
 * Decisions by result, reason and family, counted in plain cells and handed to prom-client
 * at scrape time. prom-client's `inc` and `observe` validate and hash their label set on
 * every call, even on a cached child: ~1.2 µs and ~400 bytes of garbage a decision, a
 * third of a cached decision's cost (bench:core). Here a decision costs two map lookups of
 * interned strings and an addition.
 */
export class DecisionCounts {
  /** reason → family → [allow, deny, error]. */
  private readonly cells = new Map<string, Map<string, Float64Array>>();

  add(result: 0 | 1 | 2, reason: string, family: string): void {
    let byFamily = this.cells.get(reason);
    if (!byFamily) this.cells.set(reason, (byFamily = new Map()));
    let c = byFamily.get(family);
    if (!c) byFamily.set(family, (c = new Float64Array(3)));
    c[result]!++;
  }

  *entries(): Generator<{ labels: { result: string; reason: string; family: string }; value: number }> {
    for (const [reason, byFamily] of this.cells)
      for (const [family, c] of byFamily)
        for (let r = 0; r < 3; r++) if (c[r]) yield { labels: { result: RESULTS[r]!, reason, family }, value: c[r]! };
  }
}

const RESULTS = ['allow', 'deny', 'error'] as const;

/**
 * The decision latency histogram by family, in plain arrays, read out in prom-client's
 * format (a metric object the registry formats and a cluster's primary sums like its own).
 */
export class LatencyHistogram {
  readonly name = 'postern_decision_duration_seconds';
  readonly help =
    'Time spent deciding (from the decision core receiving the request to its answer), by endpoint family.';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly byFamily = new Map<string, { buckets: Float64Array; sum: number; count: number }>();

  constructor(private readonly bounds: readonly number[]) {}

  observe(family: string, seconds: number): void {
    let h = this.byFamily.get(family);
    if (!h) this.byFamily.set(family, (h = { buckets: new Float64Array(this.bounds.length), sum: 0, count: 0 }));
    // The first bucket whose upper bound holds the value (le); past the last: +Inf only.
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]!) i++;
    if (i < this.bounds.length) h.buckets[i]!++;
    h.sum += seconds;
    h.count++;
  }

  async get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const [family, h] of this.byFamily) {
      let acc = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        acc += h.buckets[i]!;
        values.push({ labels: { le: this.bounds[i]!, family }, value: acc, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: { le: '+Inf', family }, value: h.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { family }, value: h.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { family }, value: h.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.byFamily.clear();
  }
}

function create(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const sources: Metrics['sources'] = {};

  const decisions = new DecisionCounts();
  new client.Counter({
    name: 'postern_decisions_total',
    help: 'Verify decisions by result (allow, deny, error), reason and endpoint family (token, forward-auth, auth-request, ext-authz).',
    labelNames: ['result', 'reason', 'family'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, value } of decisions.entries()) this.inc(labels, value);
    },
  });

  const latency = new LatencyHistogram([
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
  ]);
  // Not a prom-client class, but what the registry asks of a metric (name, help, type, get).
  registry.registerMetric(latency as unknown as client.Metric);

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

/** A decision's result, as an index into RESULTS: allow, deny (401, 403, 400) or error (503). */
const resultOf = (d: Decision): 0 | 1 | 2 => (d.allow ? 0 : d.status >= 500 ? 2 : 1);

/**
 * Counts every decision of this process from now on (idempotent): a few map lookups and
 * additions per decision (DecisionCounts, LatencyHistogram), read out at scrape time.
 */
export function countDecisions(source: { cache?: () => CacheStats; state?: StateSource } = {}): void {
  if (source.cache) metrics.sources.cache = source.cache;
  if (source.state) metrics.sources.state = source.state;
  if (metrics.counting) return;
  metrics.counting = true;
  const { decisions, latency } = metrics;
  observeDecisions((d) => {
    decisions.add(resultOf(d), d.reason, d.endpoint);
    latency.observe(d.endpoint, d.latencyMs / 1000);
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
