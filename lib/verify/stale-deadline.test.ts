import { describe, expect, it } from 'vitest';
import { memoryAccount, memoryEngine, quietLog as quiet } from '@/tests/support/memory-engine';
import { verifyRequest } from './core';
import { VerifyEngine, type Freshness } from './engine';
import type { VerifyStore } from './types';

// A decision that needs the store (an account not in memory) while the database stalls must
// not wait past the moment the engine's memory turns stale: it answers 503 then, not when
// the driver finally gives up (tests/faults/postgres-outage.test.ts found it waiting 5 s).
describe('VerifyEngine.beforeStale', () => {
  const account = memoryAccount('11111111-1111-4111-8111-111111111111', 'u-1');

  async function setup(loadAccountState: VerifyStore['loadAccountState'], staleInMs: number) {
    const staleAt = Date.now() + staleInMs;
    const freshness: Freshness = {
      fresh: () => Date.now() < staleAt,
      start: async () => {},
      staleAt: () => (Date.now() < staleAt ? staleAt : null),
    };
    const { engine, token } = await memoryEngine({ account, freshness, loadAccountState });
    const ask = () =>
      verifyRequest(
        engine,
        {
          endpoint: 'token',
          method: 'GET',
          get: (h) => (h === 'authorization' ? `Pomerium ${token}` : null),
          suffix: null,
          clientAddress: '127.0.0.1',
        },
        quiet,
      );
    return { engine, ask };
  }

  it('answers 503 when the memory turns stale while the store has not answered', async () => {
    const { engine, ask } = await setup(() => new Promise(() => {}), 150);
    const started = performance.now();
    const out = await ask();
    const took = performance.now() - started;
    engine.close();
    expect(out.status).toBe(503);
    expect(took).toBeGreaterThanOrEqual(100);
    expect(took).toBeLessThan(1000);
  });

  it('answers as usual when the store answers in time', async () => {
    const { engine, ask } = await setup(async () => account, 5000);
    const out = await ask();
    engine.close();
    expect(out.status).toBe(200);
  });

  it('cuts each waiting decision at the deadline it started under, with one timer for all', async () => {
    let staleAt = Date.now() + 150;
    const freshness: Freshness = {
      fresh: () => Date.now() < staleAt,
      start: async () => {},
      staleAt: () => (Date.now() < staleAt ? staleAt : null),
    };
    const engine = new VerifyEngine({
      store: {} as VerifyStore,
      freshness,
      issuer: () => 'https://p.test',
      audience: 'postern',
      log: quiet,
    });
    const never = new Promise<string>(() => {});
    const timed = (p: Promise<string>) => {
      const started = performance.now();
      return p.then(
        () => ({ ok: true, after: performance.now() - started }),
        (err: unknown) => ({ ok: false, after: performance.now() - started, err }),
      );
    };
    const first = timed(engine.beforeStale(never)); // deadline: +150 ms
    staleAt = Date.now() + 400; // the feed spoke: later decisions may wait longer
    const second = timed(engine.beforeStale(never));
    const third = timed(engine.beforeStale(new Promise<string>((r) => setTimeout(() => r('done'), 250))));
    const [a, b, c] = await Promise.all([first, second, third]);
    engine.close();
    expect(a.ok).toBe(false);
    expect(a.after).toBeGreaterThanOrEqual(100);
    expect(a.after).toBeLessThan(350);
    expect(b.ok).toBe(false);
    expect(b.after).toBeGreaterThanOrEqual(350);
    expect(c).toMatchObject({ ok: true });
  });
});
