// The verify path's loop (one shared context, no per-policy decisions) must decide exactly
// as the policies' own decisions combined do, for every mix of allow, deny and unknown.
import { describe, expect, it } from 'vitest';
import { combineDecisions } from './evaluate';
import { compilePolicy, evaluateCompiled, evaluatePolicy, parsePolicy, type PolicyRequest } from './index';

const SOURCES = [
  'allow:\n  and:\n    - user:\n        is: bot\n    - http_method:\n        in: [GET, HEAD]\n',
  'deny:\n  or:\n    - http_path:\n        starts_with: /admin\n',
  'allow:\n  or:\n    - source_ip: 10.0.0.0/8\n    - user:\n        in: [bot, other]\n',
  'deny:\n  or:\n    - email:\n        ends_with: "@evil.example"\n',
  'allow:\n  and:\n    - day_of_week: "*"\n    - authenticated_user: true\n',
  'deny:\n  not:\n    - authenticated_user: true\n',
  'allow:\n  nor:\n    - http_method:\n        is: DELETE\n    - http_path:\n        contains: /secret\n',
  'allow:\n  or:\n    - accept: true\n',
  'deny:\n  or:\n    - groups:\n        has: banned\n',
  'allow:\n  or: []\n',
];
const policies = SOURCES.map((s) => parsePolicy(s));

const users: PolicyRequest['user'][] = [
  null,
  { id: 'bot', email: 'bot@corp.example', groups: [] },
  { id: 'mallory', email: 'm@evil.example', groups: ['banned'] },
];
const requests: PolicyRequest[] = users.flatMap((user) =>
  ['GET', 'DELETE'].flatMap((method) =>
    ['/orders/1', '/admin/x', '/secret'].flatMap((path) =>
      ['10.1.2.3', '192.0.2.1', undefined].map((sourceIp) => ({ user, method, path, sourceIp })),
    ),
  ),
);

describe('evaluateCompiled', () => {
  it('decides as the combined decisions of each policy, over every subset order tried', () => {
    let compared = 0;
    for (let mask = 0; mask < 1 << policies.length; mask += 7) {
      const picked = policies.filter((_, i) => mask & (1 << i));
      const order = mask % 2 ? picked : [...picked].reverse();
      for (const request of requests) {
        const expected = combineDecisions(order.map((p) => evaluatePolicy(p, request)));
        const { until, ...decision } = evaluateCompiled(order.map(compilePolicy), request);
        expect(decision).toEqual(expected);
        expect(until).toBeGreaterThan(Date.now() - 1000);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5_000);
  });

  it('explains as before: the reasons of the deciding policy', () => {
    const r = evaluateCompiled(policies.slice(0, 2).map(compilePolicy), requests[10]!, { explain: true });
    expect(r.reasons.length).toBeGreaterThan(0);
  });
});
