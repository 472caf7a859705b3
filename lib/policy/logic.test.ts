import { describe, it, expect } from 'vitest';
import {
  compilePolicy,
  evaluatePolicies,
  evaluatePolicy,
  parsePolicy,
  PolicyError,
  policyRequestSchema,
  type Policy,
  type PolicyRequest,
} from './index';

const bob = { id: 'u-bob', email: 'bob@corp.example', groups: ['eng'] };
const req = (over: Partial<PolicyRequest> = {}): PolicyRequest => ({ user: bob, method: 'GET', path: '/', ...over });
const run = (yaml: string, over: Partial<PolicyRequest> = {}) => evaluatePolicy(parsePolicy(yaml), req(over));

// A and B are independent switches: A is "method is GET", B is "path is /b".
const AB = (a: boolean, b: boolean) => req({ method: a ? 'GET' : 'POST', path: b ? '/b' : '/x' });
const A = '{http_method: GET}';
const B = '{http_path: /b}';

describe('allow and deny', () => {
  it('allows when an allow rule matches and no deny does', () => {
    expect(run('allow: {or: [{accept: true}]}')).toEqual({ allowed: true, allow: true, deny: false, reasons: [] });
  });

  it('lets deny win over allow', () => {
    const d = run('allow: {or: [{accept: true}]}\ndeny: {or: [{http_path: {starts_with: /admin}}]}', {
      path: '/admin/users',
    });
    expect(d).toEqual({ allowed: false, allow: true, deny: true, reasons: [] });
  });

  it('denies when no allow rule matches, and when there are only deny rules', () => {
    expect(run('allow: {or: [{email: x@y.z}]}').allowed).toBe(false);
    expect(run('deny: {or: [{reject: true}]}')).toMatchObject({ allowed: false, allow: false, deny: false });
    expect(run('[]').allowed).toBe(false);
  });

  it('combines allow and deny across a list of rules', () => {
    const policy =
      '- allow: {or: [{email: nobody@x.io}]}\n- allow: {or: [{groups: eng}]}\n- deny: {or: [{http_method: DELETE}]}\n';
    expect(run(policy).allowed).toBe(true);
    expect(run(policy, { method: 'DELETE' }).allowed).toBe(false);
  });
});

describe('operators', () => {
  const truth = [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const;

  it.each(truth)('and/or with A=%s B=%s', (a, b) => {
    expect(evaluatePolicy(parsePolicy(`allow: {and: [${A}, ${B}]}`), AB(a, b)).allowed).toBe(a && b);
    expect(evaluatePolicy(parsePolicy(`allow: {or: [${A}, ${B}]}`), AB(a, b)).allowed).toBe(a || b);
  });

  it.each(truth)('not is NOR: true only when none match (A=%s B=%s)', (a, b) => {
    expect(evaluatePolicy(parsePolicy(`allow: {not: [${A}, ${B}]}`), AB(a, b)).allowed).toBe(!a && !b);
  });

  it.each(truth)('nor is NAND: true when at least one does not match (A=%s B=%s)', (a, b) => {
    expect(evaluatePolicy(parsePolicy(`allow: {nor: [${A}, ${B}]}`), AB(a, b)).allowed).toBe(!a || !b);
  });

  it('ORs several operators in one block: {and: [X], or: [Y, Z]} is X or Y or Z', () => {
    const p = parsePolicy(`allow:\n  and: [{email: x@y.z}]\n  or: [${A}, ${B}]\n`);
    // X is false for bob; "X and (Y or Z)" would deny.
    expect(evaluatePolicy(p, AB(true, false)).allowed).toBe(true);
    expect(evaluatePolicy(p, AB(false, false)).allowed).toBe(false);
    const withNot = parsePolicy(`allow:\n  or: [{reject: true}]\n  not: [${A}]\n`);
    expect(evaluatePolicy(withNot, AB(false, false)).allowed).toBe(true);
    expect(evaluatePolicy(withNot, AB(true, false)).allowed).toBe(false);
  });

  it('nests operators', () => {
    const p = parsePolicy(`
allow:
  and:
    - groups: eng
    - or:
        - ${A}
        - and:
            - ${B}
            - not: [{http_method: DELETE}]
`);
    expect(evaluatePolicy(p, AB(true, false)).allowed).toBe(true);
    expect(evaluatePolicy(p, AB(false, true)).allowed).toBe(true);
    expect(evaluatePolicy(p, req({ method: 'DELETE', path: '/b' })).allowed).toBe(false);
    expect(evaluatePolicy(p, { ...AB(true, true), user: { id: 'u-carol', groups: ['sales'] } }).allowed).toBe(false);
  });
});

describe('anonymous callers (user: null)', () => {
  const anon = (yaml: string, over: Partial<PolicyRequest> = {}) => run(yaml, { user: null, ...over });

  it('does not let not/nor over identity criteria admit an anonymous caller', () => {
    expect(anon('allow: {not: [{email: mallory@x.io}]}').allowed).toBe(false);
    expect(anon('allow: {nor: [{groups: admins}, {authenticated_user: true}]}').allowed).toBe(false);
    expect(anon('allow: {not: [{not: [{domain: corp.example}]}]}').allowed).toBe(false);
    expect(anon('allow: {not: [{claim/roles: admin}]}').allowed).toBe(false);
    // The same policies still work for a signed-in caller.
    expect(run('allow: {not: [{email: mallory@x.io}]}').allowed).toBe(true);
  });

  it('still decides operators that definite criteria settle', () => {
    expect(anon('allow: {or: [{email: a@x.io}, {source_ip: 10.0.0.0/8}]}', { sourceIp: '10.0.0.1' }).allowed).toBe(
      true,
    );
    expect(anon('allow: {or: [{email: a@x.io}, {source_ip: 10.0.0.0/8}]}', { sourceIp: '8.8.8.8' }).allowed).toBe(
      false,
    );
    expect(anon('allow: {nor: [{email: a@x.io}, {http_method: POST}]}').allowed).toBe(true);
    expect(anon('allow: {or: [{accept: true}]}\ndeny: {and: [{email: bad@x.io}, {http_path: /admin}]}').allowed).toBe(
      true,
    );
  });

  it('denies when a deny rule depends on the identity it does not have (fail closed)', () => {
    const policy = 'allow: {or: [{source_ip: 10.0.0.0/8}]}\ndeny: {not: [{domain: corp.example}]}';
    expect(anon(policy, { sourceIp: '10.0.0.1' })).toMatchObject({ allowed: false, allow: true, deny: true });
    expect(run(policy, { sourceIp: '10.0.0.1' }).allowed).toBe(true);
    expect(run(policy, { sourceIp: '10.0.0.1', user: { id: 'x', email: 'x@evil.example' } }).allowed).toBe(false);
  });

  it('refuses an anonymous caller that a deny over identity cannot rule out', () => {
    const policy = 'allow: {or: [{accept: true}]}\ndeny: {or: [{email: banned@x.io}]}';
    expect(anon(policy)).toMatchObject({ allowed: false, allow: true, deny: true });
    expect(run(policy).allowed).toBe(true);
  });

  it('explains that the caller is not authenticated', () => {
    const d = evaluatePolicy(parsePolicy('allow: {not: [{email: m@x.io}]}'), req({ user: null }), { explain: true });
    expect(d.reasons).toEqual([
      'no allow rule matched',
      'allow.not[0] email is "m@x.io": unknown: the caller is not authenticated',
    ]);
  });
});

describe('explanations', () => {
  const policy = parsePolicy(`
allow:
  and:
    - user:
        is: ci@x
    - http_method:
        in: [GET, HEAD]
deny:
  or:
    - http_path:
        starts_with: /admin
`);
  const ci = { id: 'ci@x' };

  it('names the matched allow criteria', () => {
    const d = evaluatePolicy(policy, { user: ci, method: 'GET', path: '/api' }, { explain: true });
    expect(d.reasons).toEqual(['allow.and[0] user is "ci@x"', 'allow.and[1] http_method in ["GET", "HEAD"]']);
  });

  it('names the deny criterion that won', () => {
    const d = evaluatePolicy(policy, { user: ci, method: 'GET', path: '/admin/x' }, { explain: true });
    expect(d).toEqual({
      allowed: false,
      allow: true,
      deny: true,
      reasons: ['deny.or[0] http_path starts_with "/admin"'],
    });
  });

  it('says when nothing allowed, and explains not/nor', () => {
    expect(evaluatePolicy(policy, { user: ci, method: 'POST', path: '/' }, { explain: true }).reasons).toEqual([
      'no allow rule matched',
    ]);
    const p = parsePolicy(
      '- allow: {not: [{http_method: DELETE}]}\n- allow: {nor: [{http_method: GET}, {http_path: /x}]}\n',
    );
    expect(evaluatePolicy(p, req(), { explain: true }).reasons).toEqual([
      '[0].allow.not[0] http_method is "DELETE": no match',
    ]);
    expect(evaluatePolicy(p, req({ method: 'DELETE' }), { explain: true }).reasons).toEqual([
      '[1].allow.nor[0] http_method is "GET": no match',
    ]);
  });

  it('builds no reasons unless asked', () => {
    expect(evaluatePolicy(policy, { user: ci, method: 'GET', path: '/admin' }).reasons).toEqual([]);
  });
});

describe('evaluatePolicies', () => {
  const allowEng = parsePolicy('allow: {or: [{groups: eng}]}');
  const allowAll = parsePolicy('allow: {or: [{accept: true}]}');
  const denyDelete = parsePolicy('deny: {or: [{http_method: DELETE}]}');

  it('lets a deny in any policy win and names it', () => {
    expect(evaluatePolicies([allowAll, denyDelete], req({ method: 'DELETE' }))).toMatchObject({
      allowed: false,
      allow: true,
      deny: true,
      policyIndex: 1,
    });
  });

  it('needs an allow in at least one policy', () => {
    expect(evaluatePolicies([denyDelete, allowEng], req())).toMatchObject({ allowed: true, policyIndex: 1 });
    expect(evaluatePolicies([denyDelete], req())).toMatchObject({
      allowed: false,
      allow: false,
      deny: false,
      policyIndex: null,
    });
    expect(evaluatePolicies([], req())).toMatchObject({ allowed: false, policyIndex: null });
  });

  it('explains with the deciding policy', () => {
    const d = evaluatePolicies([allowEng, denyDelete], req({ method: 'DELETE' }), { explain: true });
    expect(d.reasons).toEqual(['deny.or[0] http_method is "DELETE"']);
  });
});

describe('compiling', () => {
  it('compiles a parsed policy once', () => {
    const p = parsePolicy('allow: {or: [{email: once@x.io}]}');
    expect(compilePolicy(p)).toBe(compilePolicy(p));
    expect(compilePolicy(p).evaluate(req({ user: { id: 'x', email: 'once@x.io' } })).allowed).toBe(true);
  });

  it('validates a policy built by hand before evaluating it', () => {
    const built: Policy = {
      rules: [{ allow: { kind: 'block', or: [{ kind: 'criterion', name: 'groups', value: { has: 'eng' } }] } }],
    };
    expect(evaluatePolicy(built, req()).allowed).toBe(true);
    const broken = {
      rules: [{ allow: { kind: 'block', or: [{ kind: 'criterion', name: 'nope' }] } }],
    } as unknown as Policy;
    expect(() => evaluatePolicy(broken, req())).toThrow(PolicyError);
    expect(() => evaluatePolicy({} as Policy, req())).toThrow(PolicyError);
  });
});

describe('policyRequestSchema', () => {
  it('validates a request from a form, turning the time into a Date', () => {
    const r = policyRequestSchema.parse({
      user: { id: 'u1', groups: ['eng'] },
      method: 'GET',
      now: '2025-01-06T12:00:00Z',
    });
    expect(r.now).toEqual(new Date('2025-01-06T12:00:00Z'));
    expect(evaluatePolicy(parsePolicy('allow: {and: [{groups: eng}, {day_of_week: mon}]}'), r).allowed).toBe(true);
    expect(policyRequestSchema.safeParse({ user: { id: 5 } }).success).toBe(false);
    expect(policyRequestSchema.safeParse({ user: null }).success).toBe(true);
  });
});
