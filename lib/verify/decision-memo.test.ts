import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DecisionMemo, decide, policyRequest, type Caller, type MemoStats } from '@/lib/verify/decision-memo';
import type { DescribedRequest } from '@/lib/verify/describe';
import { RouteTable, type CompiledRoute } from '@/lib/verify/route-table';
import { memoryAccount, memoryEngine, quietLog } from '@/tests/support/memory-engine';
import { verifyRequest } from '@/lib/verify/core';
import type { AccountState } from '@/lib/verify/types';

// Every criterion a remembered decision must agree on, and the clock: each policy reads
// one or two of them, so routes built from subsets read different things.
const POLICIES: Record<string, string> = {
  user: 'allow:\n  or:\n    - user:\n        in: [alice, bob]\n',
  group: 'deny:\n  or:\n    - groups:\n        has: blocked\n',
  email: 'allow:\n  or:\n    - email:\n        ends_with: "@corp.example"\n',
  claim: 'deny:\n  or:\n    - claim/env:\n        is: prod\n',
  method: 'allow:\n  or:\n    - http_method:\n        in: [GET, HEAD]\n',
  path: 'deny:\n  or:\n    - http_path:\n        starts_with: /admin\n',
  ip: 'allow:\n  or:\n    - source_ip: 10.0.0.0/8\n',
  cors: 'allow:\n  or:\n    - cors_preflight: true\n',
  anyone: 'allow:\n  or:\n    - authenticated_user: true\n',
  // Boundaries a few hundred ms apart inside one second, and a date the tests straddle.
  morning:
    'allow:\n  or:\n    - time_of_day:\n        timezone: UTC\n        after: "09:00:00.250"\n        before: "09:00:00.750"\n',
  notYet: 'deny:\n  or:\n    - date:\n        before: "2030-01-01T09:00:00.500Z"\n',
  weekday: 'allow:\n  or:\n    - day_of_week: mon-fri\n',
  cert: 'allow:\n  or:\n    - client_certificate: {}\n',
};

function table(routes: Record<string, string[]>, stats: MemoStats): RouteTable {
  return new RouteTable(
    {
      namespaces: [{ id: 'global', parentId: null }],
      routes: Object.entries(routes).map(([id, policyIds]) => ({
        id,
        namespaceId: 'global',
        host: `${id}.test`,
        pathPrefix: '/',
        policyIds,
      })),
      policies: Object.entries(POLICIES).map(([id, ppl]) => ({
        id,
        namespaceId: 'global',
        name: id,
        enforced: false,
        ppl,
        explanation: '',
        remediation: '',
      })),
    },
    { warn() {}, error() {} },
    stats,
  );
}

const account = (userId: string, over: Partial<AccountState> = {}): AccountState => ({
  ...memoryAccount(`id-${userId}`, userId),
  ...over,
});
const request = (method: string, path: string, sourceIp: string | null): DescribedRequest => ({
  host: 'x.test',
  path,
  method,
  sourceIp,
});
const headers =
  (h: Record<string, string>) =>
  (name: string): string | null =>
    h[name] ?? null;

/** What the route decides when nothing is remembered, without the memo's `until`. */
function fresh(route: CompiledRoute, caller: Caller | null, req: DescribedRequest, get: (n: string) => string | null) {
  const { until: _, ...d } = decide(route, policyRequest(caller, req, get));
  return d;
}
function remembered(
  t: RouteTable,
  route: CompiledRoute,
  caller: Caller | null,
  req: DescribedRequest,
  get: (n: string) => string | null,
) {
  const { until: _, ...d } = t.memo.decide(route, caller, req, get);
  return d;
}

describe('DecisionMemo', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('decides as a fresh evaluation would, over routes, callers, requests and times (and is used)', () => {
    const names = Object.keys(POLICIES).filter((n) => n !== 'cert');
    // Deterministic: a failure can be replayed.
    let seed = 11;
    const r = () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const routes: Record<string, string[]> = {};
    for (let i = 0; i < 12; i++) routes[`r${i}`] = names.filter(() => r() < 0.3);
    const stats = { decisionHits: 0, decisionMisses: 0 };
    const t = table(routes, stats);
    const alice = account('alice', { email: 'alice@corp.example' });
    const callers: (Caller | null)[] = [
      null,
      { account: alice, claims: { env: 'dev' } },
      { account: alice, claims: { env: 'prod' } },
      { account: account('bob', { groups: ['blocked'] }), claims: {} },
      { account: account('carol', { email: 'carol@else.example' }), claims: {} },
    ];
    const gets = [headers({}), headers({ origin: 'https://a.test', 'access-control-request-method': 'GET' })];
    // 2029-12-31 (a Monday) and 2030-01-01 (a Tuesday) around 09:00:00 UTC, ms apart.
    const times = [
      Date.UTC(2029, 11, 31, 9, 0, 0, 100),
      Date.UTC(2029, 11, 31, 9, 0, 0, 400),
      Date.UTC(2030, 0, 1, 9, 0, 0, 300),
      Date.UTC(2030, 0, 1, 9, 0, 0, 600),
      Date.UTC(2030, 0, 1, 9, 0, 0, 900),
      Date.UTC(2030, 0, 4, 23, 59, 59, 999),
      Date.UTC(2030, 0, 5, 0, 0, 0, 1),
    ];
    let compared = 0;
    for (let i = 0; i < 6000; i++) {
      // Time mostly moves on, sometimes back (a clock set back must not reuse).
      if (r() < 0.05) vi.setSystemTime(pick(times));
      else if (r() < 0.2) vi.setSystemTime(Date.now() + Math.floor(r() * 400));
      const route = t.match(`${pick(Object.keys(routes))}.test`, '/')!;
      const caller = pick(callers);
      const req = request(
        pick(['GET', 'POST', 'OPTIONS']),
        pick(['/', '/admin/x', '/orders/1']),
        pick([null, '10.1.2.3', '192.0.2.7']),
      );
      const get = pick(gets);
      expect(remembered(t, route, caller, req, get)).toEqual(fresh(route, caller, req, get));
      compared++;
    }
    expect(compared).toBe(6000);
    // The memo was used, and not for everything.
    expect(stats.decisionHits).toBeGreaterThan(2000);
    expect(stats.decisionMisses).toBeGreaterThan(200);
  });

  it('sees an account state replaced (a new group) on the very next request', () => {
    const t = table({ r: ['anyone', 'group'] }, { decisionHits: 0, decisionMisses: 0 });
    const route = t.match('r.test', '/')!;
    const before = account('dave');
    const get = headers({});
    expect(t.memo.decide(route, { account: before, claims: {} }, request('GET', '/', null), get).allowed).toBe(true);
    expect(t.memo.decide(route, { account: before, claims: {} }, request('GET', '/', null), get).allowed).toBe(true);
    const after = { ...before, groups: ['blocked'] };
    expect(t.memo.decide(route, { account: after, claims: {} }, request('GET', '/', null), get).allowed).toBe(false);
  });

  it('tells two tokens of one account apart when a policy reads claims, and not otherwise', () => {
    const stats = { decisionHits: 0, decisionMisses: 0 };
    const t = table({ claims: ['anyone', 'claim'], plain: ['anyone'] }, stats);
    const a = account('erin');
    const dev = { account: a, claims: { env: 'dev' } };
    const prod = { account: a, claims: { env: 'prod' } };
    const get = headers({});
    const claims = t.match('claims.test', '/')!;
    expect(t.memo.decide(claims, dev, request('GET', '/', null), get).allowed).toBe(true);
    expect(t.memo.decide(claims, prod, request('GET', '/', null), get).allowed).toBe(false);
    expect(t.memo.decide(claims, dev, request('GET', '/', null), get).allowed).toBe(true);
    const plain = t.match('plain.test', '/')!;
    t.memo.decide(plain, dev, request('GET', '/', null), get);
    const hits = stats.decisionHits;
    expect(t.memo.decide(plain, prod, request('GET', '/', null), get).allowed).toBe(true);
    expect(stats.decisionHits).toBe(hits + 1);
  });

  it('reuses a decision that reads only the caller for any path, method and address', () => {
    const stats = { decisionHits: 0, decisionMisses: 0 };
    const t = table({ r: ['user'] }, stats);
    const route = t.match('r.test', '/')!;
    const caller = { account: account('alice'), claims: {} };
    t.memo.decide(route, caller, request('GET', '/a', '10.0.0.1'), headers({}));
    t.memo.decide(route, caller, request('DELETE', '/b/c', null), headers({ origin: 'x' }));
    expect(stats).toEqual({ decisionHits: 1, decisionMisses: 1 });
  });

  it('changes its answer at a time boundary inside a second, and when the clock goes back', () => {
    const t = table({ morning: ['morning'], date: ['anyone', 'notYet'] }, { decisionHits: 0, decisionMisses: 0 });
    const caller = { account: account('frank'), claims: {} };
    const get = headers({});
    const morning = t.match('morning.test', '/')!;
    vi.setSystemTime(Date.UTC(2030, 0, 1, 9, 0, 0, 200));
    expect(t.memo.decide(morning, caller, request('GET', '/', null), get).allowed).toBe(false);
    vi.setSystemTime(Date.UTC(2030, 0, 1, 9, 0, 0, 250));
    expect(t.memo.decide(morning, caller, request('GET', '/', null), get).allowed).toBe(true);
    vi.setSystemTime(Date.UTC(2030, 0, 1, 9, 0, 0, 749));
    expect(t.memo.decide(morning, caller, request('GET', '/', null), get).allowed).toBe(true);
    vi.setSystemTime(Date.UTC(2030, 0, 1, 9, 0, 0, 750));
    expect(t.memo.decide(morning, caller, request('GET', '/', null), get).allowed).toBe(false);

    const date = t.match('date.test', '/')!;
    vi.setSystemTime(Date.UTC(2030, 0, 1, 9, 0, 0, 600));
    expect(t.memo.decide(date, caller, request('GET', '/', null), get).allowed).toBe(true);
    vi.setSystemTime(Date.UTC(2030, 0, 1, 9, 0, 0, 400)); // set back
    expect(t.memo.decide(date, caller, request('GET', '/', null), get).allowed).toBe(false);
  });

  it('keeps an absent Origin apart from an empty one, and crafted header values from each other', () => {
    const t = table({ r: ['cors'] }, { decisionHits: 0, decisionMisses: 0 });
    const route = t.match('r.test', '/')!;
    const options = request('OPTIONS', '/', null);
    const acrm = 'access-control-request-method';
    expect(t.memo.decide(route, null, options, headers({ origin: '', [acrm]: 'GET' })).allowed).toBe(true);
    expect(t.memo.decide(route, null, options, headers({ [acrm]: 'GET' })).allowed).toBe(false);
    // Values that would run together in a plain concatenation.
    expect(t.memo.decide(route, null, options, headers({ origin: 'a\u0001\u0002' })).allowed).toBe(false);
    expect(t.memo.decide(route, null, options, headers({ origin: 'a', [acrm]: '\u0002' })).allowed).toBe(true);
  });

  it('does not remember routes whose policies read the client certificate', () => {
    const stats = { decisionHits: 0, decisionMisses: 0 };
    const t = table({ r: ['cert'] }, stats);
    const route = t.match('r.test', '/')!;
    for (let i = 0; i < 3; i++) t.memo.decide(route, null, request('GET', '/', null), headers({}));
    expect(stats).toEqual({ decisionHits: 0, decisionMisses: 3 });
  });

  it('stays bounded: past its size it starts over', () => {
    const stats = { decisionHits: 0, decisionMisses: 0 };
    const route = table({ r: ['path'] }, stats).match('r.test', '/')!;
    const always = { use: () => true, record() {} };
    const memo = new DecisionMemo(stats, 100, always);
    for (let i = 0; i < 100; i++) memo.decide(route, null, request('GET', `/p/${i}`, null), headers({}));
    memo.decide(route, null, request('GET', '/p/0', null), headers({}));
    expect(stats.decisionHits).toBe(1);
    // The 101st entry starts it over: the first path is forgotten.
    memo.decide(route, null, request('GET', '/p/100', null), headers({}));
    memo.decide(route, null, request('GET', '/p/1', null), headers({}));
    expect(stats.decisionHits).toBe(1);
  });

  it('steps aside when requests do not repeat, and is consulted again when they do', () => {
    const stats = { decisionHits: 0, decisionMisses: 0 };
    const t = table({ r: ['path'] }, stats);
    const route = t.match('r.test', '/')!;
    for (let i = 0; i < 5000; i++) t.memo.decide(route, null, request('GET', `/p/${i}`, null), headers({}));
    const missesBefore = stats.decisionMisses;
    // Every decision still comes out right while the memo is aside.
    for (let i = 0; i < 100; i++)
      expect(t.memo.decide(route, null, request('GET', `/admin/${i}`, null), headers({})).deny).toBe(true);
    expect(stats.decisionMisses).toBe(missesBefore + 100);
    for (let i = 0; i < 40_000; i++) t.memo.decide(route, null, request('GET', '/same', null), headers({}));
    expect(stats.decisionHits).toBeGreaterThan(20_000);
  });
});

// The attack on a shared decision, through the real decision core: a caller the route
// refuses sends the very request another caller was just allowed, and an allowed caller
// keeps sending it after an administrator blocks it. Neither may ride the remembered allow.
describe('a remembered decision, attacked through verifyRequest', () => {
  it('lets no other caller, and no blocked caller, ride a remembered allow', async () => {
    const alice = memoryAccount('aaaaaaaa-0000-4000-8000-000000000001', 'alice');
    const mallory = memoryAccount('aaaaaaaa-0000-4000-8000-000000000002', 'mallory');
    const states = new Map([alice, mallory].map((a) => [a.id, a]));
    const { engine, token, mint } = await memoryEngine({
      account: alice,
      loadAccountState: async (id) => states.get(id) ?? null,
      routes: {
        namespaces: [{ id: 'global', parentId: null }],
        routes: [{ id: 'r', namespaceId: 'global', host: 'app.test', pathPrefix: '/', policyIds: ['user', 'group'] }],
        policies: ['user', 'group'].map((id) => ({
          id,
          namespaceId: 'global',
          name: id,
          enforced: false,
          ppl: POLICIES[id]!,
          explanation: '',
          remediation: '',
        })),
      },
      freshness: { fresh: () => true, start: async () => {}, staleAt: () => Date.now() + 10_000 },
    });
    const malloryToken = await mint(mallory);
    const ask = (t: string) =>
      verifyRequest(
        engine,
        {
          endpoint: 'forward-auth',
          method: 'GET',
          get: headers({
            authorization: `Pomerium ${t}`,
            'x-forwarded-host': 'app.test',
            'x-forwarded-uri': '/orders/1',
            'x-forwarded-method': 'GET',
          }),
          suffix: null,
          clientAddress: '10.1.2.3',
        },
        quietLog,
      );
    for (let i = 0; i < 20; i++) expect((await ask(token)).status).toBe(200);
    expect(engine.stats.decisionHits).toBeGreaterThan(0);
    // Same request, same address, another caller: refused, and alice's answer is unchanged.
    expect((await ask(malloryToken)).status).toBe(403);
    expect((await ask(token)).status).toBe(200);
    // An administrator puts alice in the blocked group: her next identical request is refused.
    states.set(alice.id, { ...alice, groups: ['blocked'] });
    engine.clear('accounts');
    expect((await ask(token)).status).toBe(403);
    expect((await ask(malloryToken)).status).toBe(403);
    engine.close();
  });
});
