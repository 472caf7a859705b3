import { describe, it, expect } from 'vitest';
import { CRITERIA, evaluatePolicy, parsePolicy, type PolicyRequest } from './index';

const alice = {
  id: 'u-alice',
  email: 'alice@corp.example',
  groups: ['eng', 'ops'],
  claims: {
    roles: ['admin', 'dev'],
    family_name: 'Smith',
    single: ['only'],
    org: { id: 42, name: 'Acme' },
    'a.b': 'dotted-key',
    verified: true,
    empty: [],
  },
};

/** Is a request with `over` allowed by `allow: {and: [<criterion>]}`? */
function allows(criterion: string, over: Partial<PolicyRequest> = {}): boolean {
  const policy = parsePolicy(`allow:\n  and:\n    - ${criterion}\n`);
  return evaluatePolicy(policy, { user: alice, method: 'GET', path: '/', ...over }).allowed;
}

type Case = [criterion: string, request: Partial<PolicyRequest>, expected: boolean];

const FP = 'ab'.repeat(32);
const SPKI = `${'A'.repeat(43)}=`;
const cert = {
  fingerprint: FP,
  spkiHash: SPKI,
  sanEmail: ['bot@corp.example'],
  sanDns: ['bot.corp.example'],
  sanUri: [],
  valid: true,
};

const CASES: Record<string, Case[]> = {
  accept: [['accept: true', { user: null }, true]],
  reject: [['reject: true', {}, false]],
  authenticated_user: [
    ['authenticated_user: true', {}, true],
    ['authenticated_user: true', { user: null }, false],
  ],
  user: [
    ['user: u-alice', {}, true],
    ['user: u-bob', {}, false],
    ['user: {is: u-alice}', {}, true],
    ['user: {starts_with: u-a}', {}, true],
    ['user: {starts_with: u-b}', {}, false],
  ],
  email: [
    ['email: {is: alice@corp.example}', {}, true],
    ['email: {is: Alice@corp.example}', {}, false],
    ['email: {ends_with: "@corp.example"}', {}, true],
    ['email: {ends_with: "@evil.example"}', {}, false],
    ['email: {contains: ice@}', {}, true],
    ['email: {contains: bob}', {}, false],
    ['email: {in: [bob@x.io, alice@corp.example]}', {}, true],
    ['email: {in: [bob@x.io]}', {}, false],
    ['email: {not_in: [bob@x.io]}', {}, true],
    ['email: {not_in: [alice@corp.example]}', {}, false],
    ['email: {not: bob@x.io}', {}, true],
    ['email: {not: alice@corp.example}', {}, false],
    ['email: {starts_with: alice, ends_with: .example}', {}, true],
    ['email: {starts_with: alice, ends_with: .org}', {}, false],
    ['email: {not: x@y.z}', { user: { id: 'svc' } }, true],
    ['email: {ends_with: "@corp.example"}', { user: { id: 'svc' } }, false],
  ],
  domain: [
    ['domain: corp.example', {}, true],
    ['domain: {is: example}', {}, false],
    ['domain: {ends_with: example}', {}, true],
    ['domain: {is: corp.example}', { user: { id: 'x', email: 'a@b@corp.example' } }, true],
    ['domain: {is: corp.example}', { user: { id: 'svc' } }, false],
  ],
  groups: [
    ['groups: ops', {}, true],
    ['groups: admins', {}, false],
    ['groups: {has: eng}', {}, true],
    ['groups: {is: eng}', {}, false],
    ['groups: {is: eng}', { user: { id: 'x', groups: ['eng'] } }, true],
    ['groups: {exclude: contractors}', {}, true],
    ['groups: {exclude: ops}', {}, false],
    ['groups: {has: eng, exclude: contractors}', {}, true],
    ['groups: {exclude: ops}', { user: { id: 'no-groups' } }, true],
  ],
  claim: [
    ['claim/roles: admin', {}, true],
    ['claim/roles: root', {}, false],
    ['claim/roles: {is: admin}', {}, false],
    ['claim/single: {is: only}', {}, true],
    ['claim/family_name: Smith', {}, true],
    ['claim/family_name: {is: Smith}', {}, true],
    ['claim/family_name: Jones', {}, false],
    ['claim/roles: {exclude: root}', {}, true],
    ['claim/roles: {exclude: dev}', {}, false],
    ['claim/org/id: "42"', {}, true],
    ['claim/org.name: Acme', {}, true],
    ['claim/org/id: "43"', {}, false],
    ['claim/a.b: dotted-key', {}, true],
    ['claim/verified: "true"', {}, true],
    ['claim/missing: x', {}, false],
    ['claim/missing: {exclude: x}', {}, true],
    ['claim/empty: {is: x}', {}, false],
    ['claim/toString: x', {}, false],
  ],
  http_method: [
    ['http_method: GET', {}, true],
    ['http_method: get', {}, true],
    ['http_method: GET', { method: 'post' }, false],
    ['http_method: {in: [get, HEAD]}', { method: 'head' }, true],
    ['http_method: {not_in: [DELETE]}', { method: 'delete' }, false],
    ['http_method: {not: delete}', { method: 'GET' }, true],
    ['http_method: {starts_with: PO}', { method: 'patch' }, false],
  ],
  http_path: [
    ['http_path: /', {}, true],
    ['http_path: {starts_with: /api/}', { path: '/api/v1/things' }, true],
    ['http_path: {starts_with: /api/}', { path: '/apiary' }, false],
    ['http_path: {ends_with: .json}', { path: '/a/b.json?x=1' }, true],
    ['http_path: {ends_with: .json}', { path: '/a/b?x=.json' }, false],
    ['http_path: {contains: /admin}', { path: '/x?next=/admin' }, false],
    ['http_path: {is: /x}', { path: '/x#frag' }, true],
  ],
  source_ip: [
    ['source_ip: 10.0.0.0/8', { sourceIp: '10.200.3.4' }, true],
    ['source_ip: 10.0.0.0/8', { sourceIp: '11.0.0.1' }, false],
    ['source_ip: 192.168.1.7', { sourceIp: '192.168.1.7' }, true],
    ['source_ip: 192.168.1.7', { sourceIp: '192.168.1.8' }, false],
    ['source_ip: [172.16.0.0/12, 10.0.0.0/8]', { sourceIp: '10.1.1.1' }, true],
    ['source_ip: 10.0.0.0/8', { sourceIp: '::ffff:10.1.2.3' }, true],
    ['source_ip: "2001:db8::/32"', { sourceIp: '2001:db8:1234::1' }, true],
    ['source_ip: "2001:db8::/32"', { sourceIp: '2001:db9::1' }, false],
    ['source_ip: "2001:db8:abcd:12::/64"', { sourceIp: '2001:db8:abcd:12:ffff:ffff:ffff:ffff' }, true],
    ['source_ip: "2001:db8:abcd:12::/64"', { sourceIp: '2001:db8:abcd:13::' }, false],
    ['source_ip: "::1"', { sourceIp: '::1' }, true],
    ['source_ip: "::/0"', { sourceIp: '10.0.0.1' }, false],
    ['source_ip: 0.0.0.0/0', { sourceIp: 'not-an-ip' }, false],
    ['source_ip: 0.0.0.0/0', {}, false],
  ],
  cors_preflight: [
    [
      'cors_preflight: true',
      { method: 'OPTIONS', headers: { Origin: 'https://a.io', 'Access-Control-Request-Method': 'PUT' } },
      true,
    ],
    [
      'cors_preflight: true',
      { method: 'options', headers: { origin: 'https://a.io', 'access-control-request-method': 'PUT' } },
      true,
    ],
    ['cors_preflight: true', { method: 'OPTIONS', headers: { origin: 'https://a.io' } }, false],
    [
      'cors_preflight: true',
      { method: 'GET', headers: { origin: 'https://a.io', 'access-control-request-method': 'PUT' } },
      false,
    ],
  ],
  date: [
    ['date: {after: "2025-01-01T00:00:00Z"}', { now: new Date('2025-06-01T00:00:00Z') }, true],
    ['date: {after: "2025-01-01T00:00:00Z"}', { now: new Date('2024-12-31T23:59:59Z') }, false],
    ['date: {before: "2025-01-01T00:00:00+01:00"}', { now: new Date('2024-12-31T22:59:59Z') }, true],
    ['date: {before: "2025-01-01T00:00:00+01:00"}', { now: new Date('2024-12-31T23:00:00Z') }, false],
  ],
  client_certificate: [
    [`client_certificate: {fingerprint: ${FP}}`, { clientCertificate: cert }, true],
    [`client_certificate: {fingerprint: ${FP}}`, {}, false],
    [`client_certificate: {spki_hash: "${SPKI}"}`, { clientCertificate: () => cert }, true],
    [`client_certificate: {spki_hash: "${SPKI}"}`, { clientCertificate: { ...cert, spkiHash: 'x' } }, false],
  ],
  invalid_client_certificate: [
    ['invalid_client_certificate: true', {}, true],
    ['invalid_client_certificate: true', { clientCertificate: cert }, false],
    ['invalid_client_certificate: true', { clientCertificate: { ...cert, valid: false } }, true],
  ],
  day_of_week: [
    ['day_of_week: mon-fri', { now: new Date('2025-01-06T12:00:00Z') }, true],
    ['day_of_week: mon-fri', { now: new Date('2025-01-04T12:00:00Z') }, false],
  ],
  time_of_day: [
    ['time_of_day: {timezone: UTC, after: "9:00", before: "17:00"}', { now: new Date('2025-01-06T12:00:00Z') }, true],
    ['time_of_day: {timezone: UTC, after: "9:00", before: "17:00"}', { now: new Date('2025-01-06T17:00:00Z') }, false],
  ],
};

describe('every criterion and matcher, both outcomes', () => {
  for (const [name, cases] of Object.entries(CASES)) {
    it.each(cases)(`${name}: %s with %j → %s`, (criterion, request, expected) => {
      expect(allows(criterion, request)).toBe(expected);
    });
  }

  it('covers every criterion of the catalogue with a true and a false case', () => {
    for (const name of Object.keys(CRITERIA)) {
      const outcomes = new Set(CASES[name]?.map(([c, r]) => allows(c, r)));
      // accept cannot be false and reject cannot be true.
      expect(outcomes.size, name).toBe(name === 'accept' || name === 'reject' ? 1 : 2);
    }
  });
});

describe('CRITERIA catalogue', () => {
  const sample: Record<string, unknown> = {
    timezone: 'UTC',
    after: '09:00',
    before: '17:00',
    in: ['a'],
    not_in: ['a'],
    fingerprint: FP,
    spki_hash: SPKI,
  };
  const dates: Record<string, string> = { after: '2025-01-01T00:00:00Z', before: '2026-01-01T00:00:00Z' };

  it('lists, for each criterion, matchers that the parser accepts', () => {
    for (const info of Object.values(CRITERIA)) {
      const key = info.subKey ? `${info.name}/x` : info.name;
      if (info.matchers.length === 0) {
        const value = info.kind === 'cidr' ? '10.0.0.0/8' : info.kind === 'day_of_week' ? 'mon-fri' : true;
        expect(() => parsePolicy({ allow: { and: [{ [key]: value }] } }), info.name).not.toThrow();
      }
      for (const m of info.matchers) {
        const value =
          info.kind === 'time_of_day'
            ? { timezone: 'UTC', ...(m === 'timezone' ? { after: '9:00' } : { [m]: sample[m] }) }
            : info.kind === 'date'
              ? { [m]: dates[m] }
              : info.kind === 'day_of_week'
                ? { is: 'mon-fri', ...(m === 'timezone' && { timezone: 'UTC' }) }
                : { [m]: sample[m] ?? 'v' };
        expect(() => parsePolicy({ allow: { and: [{ [key]: value }] } }), `${info.name}.${m}`).not.toThrow();
      }
      expect(info.label.length).toBeGreaterThan(0);
    }
  });

  it('marks identity criteria, which an anonymous caller cannot satisfy', () => {
    const identity = Object.values(CRITERIA)
      .filter((c) => c.identity)
      .map((c) => c.name);
    expect(identity.sort()).toEqual(['authenticated_user', 'claim', 'domain', 'email', 'groups', 'user']);
    expect(CRITERIA.claim.subKey).toBe(true);
    expect(CRITERIA.http_method.kind).toBe('method');
    expect(CRITERIA.groups.shorthand).toBe('has');
    expect(CRITERIA.email.shorthand).toBe('is');
  });
});
