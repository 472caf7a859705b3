import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DecisionCounts, LatencyHistogram } from '@/lib/observe/metrics';

const BOUNDS = [0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const NAME = 'postern_decision_duration_seconds';

// The counting moved out of prom-client (its observe hashes labels on every call); what a
// scrape shows must not move with it: prom-client's own classes are the oracle.
describe('decision metrics', () => {
  it('exposes the latency histogram exactly as prom-client would, buckets, sum and count', async () => {
    const ours = new LatencyHistogram(BOUNDS);
    const oursRegistry = new client.Registry();
    oursRegistry.registerMetric(ours as unknown as client.Metric);
    const theirsRegistry = new client.Registry();
    const theirs = new client.Histogram({
      name: NAME,
      help: ours.help,
      labelNames: ['family'],
      buckets: BOUNDS,
      registers: [theirsRegistry],
    });
    let seed = 5;
    const r = () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const families = ['token', 'forward-auth', 'auth-request', 'ext-authz'];
    for (let i = 0; i < 5000; i++) {
      const family = families[Math.floor(r() * families.length)]!;
      // Spread over every bucket, on the bounds themselves now and then, and past the last.
      const v = r() < 0.1 ? BOUNDS[Math.floor(r() * BOUNDS.length)]! : r() < 0.05 ? 1 + r() : r() ** 4 * 0.3;
      ours.observe(family, v);
      theirs.observe({ family }, v);
    }
    const lines = async (reg: client.Registry) => (await reg.getSingleMetricAsString(NAME)).split('\n').sort();
    expect(await lines(oursRegistry)).toEqual(await lines(theirsRegistry));
  });

  it('sums the latency of every worker in a cluster, as prom-client aggregates its own', async () => {
    const a = new LatencyHistogram(BOUNDS);
    const b = new LatencyHistogram(BOUNDS);
    a.observe('token', 0.0002);
    b.observe('token', 0.003);
    b.observe('ext-authz', 2);
    const json = await Promise.all([a.get(), b.get()]);
    const merged = client.AggregatorRegistry.aggregate(json.map((m) => [m]) as never);
    const text = await merged.getSingleMetricAsString(NAME);
    expect(text).toContain(`${NAME}_count{family="token"} 2`);
    expect(text).toContain(`${NAME}_bucket{le="0.005",family="token"} 2`);
    expect(text).toContain(`${NAME}_bucket{le="0.00025",family="token"} 1`);
    expect(text).toContain(`${NAME}_bucket{le="1",family="ext-authz"} 0`);
    expect(text).toContain(`${NAME}_bucket{le="+Inf",family="ext-authz"} 1`);
  });

  it('counts decisions by result, reason and family', () => {
    const counts = new DecisionCounts();
    counts.add(0, 'allow', 'token');
    counts.add(0, 'allow', 'token');
    counts.add(1, 'forbidden', 'forward-auth');
    counts.add(2, 'unavailable', 'forward-auth');
    expect([...counts.entries()]).toEqual([
      { labels: { result: 'allow', reason: 'allow', family: 'token' }, value: 2 },
      { labels: { result: 'deny', reason: 'forbidden', family: 'forward-auth' }, value: 1 },
      { labels: { result: 'error', reason: 'unavailable', family: 'forward-auth' }, value: 1 },
    ]);
  });
});
