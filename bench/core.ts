// npm run bench:core: the decision core alone (lib/verify/core.ts verifyRequest), no HTTP,
// no process boundary: what a cached decision costs on the token path and on the policy
// path (the bench's 10-policy route), and with the decision log on. The HTTP bench
// (bench/verify.mjs) says what a proxy sees; this one says where the decision's own
// microseconds go, steadily enough to compare two builds of the core.
//
//   BENCH_CORE_N   decisions per measurement (default 200000); each is measured 5 times,
//                  interleaved, and the median is printed.
import fs from 'node:fs';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { verifyRequest, type VerifyInput } from '@/lib/verify/core';
import { memoryAccount, memoryEngine, quietLog as quiet } from '@/tests/support/memory-engine';
import { countDecisions } from '@/lib/observe/metrics';
import { startDecisionLog } from '@/lib/observe/decision-log';
import { BENCH_HOST, BENCH_POLICIES } from './policies.mjs';

const N = Number(process.env.BENCH_CORE_N ?? 200_000);

async function main(): Promise<void> {
  const account = memoryAccount('8a46a0b1-2d84-43f1-8fe2-380f2850cc61', 'bench-bot');
  const policies = Object.entries(BENCH_POLICIES).map(([name, ppl], i) => ({
    id: `p${i}`,
    namespaceId: 'global',
    name,
    enforced: false,
    ppl,
    explanation: '',
    remediation: '',
  }));
  const { engine, token } = await memoryEngine({
    account,
    routes: {
      namespaces: [{ id: 'global', parentId: null }],
      routes: [
        { id: 'r1', namespaceId: 'global', host: BENCH_HOST, pathPrefix: '/', policyIds: policies.map((p) => p.id) },
      ],
      policies,
    },
    // As a verifier sees it: fresh, and stale 10 s after the last word from the console.
    freshness: { fresh: () => true, start: async () => {}, staleAt: () => Date.now() + 10_000 },
  });

  const headers = (extra: Record<string, string>) => {
    const h: Record<string, string> = {
      host: '127.0.0.1:3001',
      'user-agent': 'autocannon',
      authorization: `Pomerium ${token}`,
      'x-forwarded-for': '127.0.0.1',
      ...extra,
    };
    return (name: string) => h[name] ?? null;
  };
  const inputs: Record<string, VerifyInput> = {
    token: { endpoint: 'token', method: 'GET', get: headers({}), suffix: null, clientAddress: '127.0.0.1' },
    policy: {
      endpoint: 'forward-auth',
      method: 'GET',
      get: headers({
        'x-forwarded-host': BENCH_HOST,
        'x-forwarded-proto': 'https',
        'x-forwarded-uri': '/orders/42',
        'x-forwarded-method': 'GET',
      }),
      suffix: null,
      clientAddress: '127.0.0.1',
    },
  };
  // The policy path with a new path on every decision: nothing remembered applies (the
  // described target, the route decision), so this is what an unseen request costs.
  let n = 0;
  const policy = inputs.policy!;
  inputs.varied = {
    ...policy,
    get: (name) => (name === 'x-forwarded-uri' ? `/orders/${n++}` : policy.get(name)),
  };
  for (const [name, input] of Object.entries(inputs)) {
    const out = await verifyRequest(engine, input, quiet);
    if (out.status !== 200) throw new Error(`${name}: expected 200, got ${out.status} ${out.body}`);
  }

  // Young-generation collections, a proxy for what a decision allocates: with
  // --max-semi-space-size=2 (as the verifier runs), one per ~2 MB allocated.
  let scavenges = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if ((e.detail as { kind?: number } | undefined)?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
  }).observe({ entryTypes: ['gc'] });
  const gcs: Record<string, number[]> = {};

  // 50 decisions in flight at a time, as the HTTP bench's 50 connections.
  const run = async (input: VerifyInput, label?: string): Promise<number> => {
    const before = scavenges;
    const started = performance.now();
    for (let i = 0; i < N; i += 50) {
      const batch: Promise<unknown>[] = [];
      for (let j = 0; j < 50; j++) batch.push(verifyRequest(engine, input, quiet));
      await Promise.all(batch);
      // A server turns its event loop between reads: timers and I/O callbacks (the log's writes) run.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const us = ((performance.now() - started) * 1000) / N;
    await new Promise((resolve) => setImmediate(resolve)); // the observer's entries arrive
    if (label) (gcs[label] ??= []).push(((scavenges - before) * 10_000) / N);
    return us;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const measure = async (labels: string[], before?: () => void, after?: () => Promise<void>) => {
    const times: Record<string, number[]> = Object.fromEntries(labels.map((l) => [l, []]));
    before?.();
    for (let round = 0; round < 5; round++)
      for (const l of labels) times[l]!.push(await run(inputs[l.split('+')[0]!]!, l));
    await after?.();
    return Object.fromEntries(labels.map((l) => [l, median(times[l]!)]));
  };

  countDecisions({ cache: () => engine.stats });
  if (process.env.BENCH_CORE_ALLOC) {
    // Where a path allocates: the sampling heap profiler, counting collected objects too.
    const { Session } = await import('node:inspector/promises');
    const session = new Session();
    session.connect();
    const which = process.env.BENCH_CORE_ALLOC;
    let stopLog: (() => Promise<void>) | null = null;
    if (which === 'log')
      stopLog = startDecisionLog({ mode: 'all', sample: 1 }, 'verifier', fs.openSync('/dev/null', 'a'));
    await run(inputs[which === 'log' ? 'token' : which]!);
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 512,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    await run(inputs[which === 'log' ? 'token' : which]!);
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: AllocNode } };
    await stopLog?.();
    type AllocNode = {
      callFrame: { functionName: string; url: string; lineNumber: number };
      selfSize: number;
      children: AllocNode[];
    };
    const self = new Map<string, number>();
    let total = 0;
    const walk = (n: AllocNode) => {
      const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-1)[0]}:${n.callFrame.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + n.selfSize);
      total += n.selfSize;
      for (const c of n.children) walk(c);
    };
    walk(profile.head);
    console.log(`allocations on the ${which} path: ${(total / N) | 0} bytes/decision (sampled)`);
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
      console.log(`${String(Math.round(v / N)).padStart(6)} B  ${k}`);
    process.exit(0);
  }
  await run(inputs.token!); // warm up
  await run(inputs.policy!);
  await run(inputs.varied!);
  const plain = await measure(['token', 'policy', 'varied']);
  const devNull = fs.openSync('/dev/null', 'a');
  let stop: (() => Promise<void>) | null = null;
  const logged = await measure(
    ['token+log'],
    () => (stop = startDecisionLog({ mode: 'all', sample: 1 }, 'verifier', devNull)),
    () => stop!(),
  );
  engine.close();

  const row = (label: string, key: string, us: number, note = '') =>
    console.log(
      `${label.padEnd(44)} ${us.toFixed(2).padStart(7)} µs/decision  ${median(gcs[key]!).toFixed(1).padStart(5)} scavenges/10k  ${note}`,
    );
  const young = process.execArgv.find((a) => a.startsWith('--max-semi-space-size')) ?? 'default young generation';
  console.log(`bench:core: ${N} decisions per measurement, median of 5, 50 in flight, metrics on, ${young}`);
  row('token path (GET /api/v1/verify)', 'token', plain.token!);
  row(
    'policy path (forward-auth, 10 policies)',
    'policy',
    plain.policy!,
    `+${(plain.policy! - plain.token!).toFixed(2)} µs`,
  );
  row(
    'policy path, a new path every decision',
    'varied',
    plain.varied!,
    `+${(plain.varied! - plain.token!).toFixed(2)} µs`,
  );
  row(
    'token path, DECISION_LOG=all to /dev/null',
    'token+log',
    logged['token+log']!,
    `+${(logged['token+log']! - plain.token!).toFixed(2)} µs`,
  );
  process.exit(0);
}

void main();
