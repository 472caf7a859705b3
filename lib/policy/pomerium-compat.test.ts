// Forms Pomerium's parser accepts (pkg/policy/parser, criteria, and their tests), each
// with both outcomes where it evaluates.
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, parsePolicy, policyWarnings, printPolicy, type PolicyRequest } from './index';
import { parseError } from './test-utils';

const alice = {
  id: 'u-alice',
  email: 'alice@corp.example',
  groups: ['eng'],
  claims: { org: { team: 'sre' }, 'a/b': 'whole-key', a: { b: 'nested' } },
};
const req = (over: Partial<PolicyRequest> = {}): PolicyRequest => ({ user: alice, method: 'GET', path: '/', ...over });
const allowed = (ppl: string, over: Partial<PolicyRequest> = {}) => evaluatePolicy(parsePolicy(ppl), req(over)).allowed;
const err = parseError;

describe('criteria that take no value ignore it', () => {
  it.each(['accept: 1', 'accept: true', 'accept: null', 'accept:', 'accept: false', 'accept: {x: 1}'])(
    '%s allows',
    (c) => {
      expect(allowed(`allow:\n  or:\n    - ${c}\n`)).toBe(true);
      expect(printPolicy(parsePolicy(`allow:\n  or:\n    - ${c}\n`))).toBe('allow:\n  or:\n    - accept: true\n');
    },
  );
  it.each(['reject: 1', 'reject:', 'reject: false'])('%s never allows', (c) => {
    expect(allowed(`allow:\n  or:\n    - ${c}\n`)).toBe(false);
  });
  it('authenticated_user: null still needs a caller; cors_preflight: 0 still needs a preflight', () => {
    expect(allowed('allow:\n  or:\n    - authenticated_user:\n')).toBe(true);
    expect(allowed('allow:\n  or:\n    - authenticated_user:\n', { user: null })).toBe(false);
    const pre = { method: 'OPTIONS', headers: { origin: 'https://a.io', 'access-control-request-method': 'PUT' } };
    expect(allowed('allow:\n  or:\n    - cors_preflight: 0\n', pre)).toBe(true);
    expect(allowed('allow:\n  or:\n    - cors_preflight: 0\n')).toBe(false);
  });
  it('invalid_client_certificate: whatever the value, true without a certificate', () => {
    expect(allowed('allow:\n  or:\n    - invalid_client_certificate: no\n')).toBe(true);
  });
});

describe('empty policies, blocks and lists are valid and match nothing', () => {
  it.each([
    '{}',
    '[]',
    'allow: {}',
    'deny: {}',
    'allow: {and: []}',
    'allow: {or: []}',
    'allow: {not: []}',
    'allow: {nor: []}',
    '- {}',
    'allow: {action: allow}',
  ])('%s parses and allows nobody, with a warning', (ppl) => {
    const p = parsePolicy(ppl);
    expect(evaluatePolicy(p, req()).allowed).toBe(false);
    expect(evaluatePolicy(p, req({ user: null })).allowed).toBe(false);
    expect(
      policyWarnings(p)
        .map((w) => w.message)
        .join(' '),
    ).toMatch(/this block matches nothing/);
  });
  it('an empty not is never vacuously true, and an empty deny denies nothing', () => {
    expect(allowed('allow:\n  not: []\n  or: [{user: u-alice}]\n')).toBe(true);
    expect(allowed('allow:\n  not: []\n  or: [{user: u-bob}]\n')).toBe(false);
    expect(allowed('allow: {or: [{accept: true}]}\ndeny: {}\n')).toBe(true);
    expect(allowed('allow: {or: [{accept: true}]}\ndeny: {and: []}\n')).toBe(true);
    expect(allowed('allow: {or: [{accept: true}]}\ndeny: {not: []}\n')).toBe(true);
  });
  it('explains an empty block', () => {
    const d = evaluatePolicy(parsePolicy('allow: {and: []}'), req(), { explain: true });
    expect(d.reasons.join(' ')).toMatch(/empty, matches nothing/);
  });
  it('has no warning for an ordinary policy', () => {
    expect(policyWarnings(parsePolicy('allow: {or: [{user: u-alice}]}'))).toEqual([]);
  });
});

describe('a rule may carry an action key, which is ignored', () => {
  it('beside the operators', () => {
    expect(allowed('allow:\n  action: allow\n  or: [{user: u-alice}]\n')).toBe(true);
    expect(allowed('allow:\n  action: deny\n  or: [{user: u-bob}]\n')).toBe(false);
    expect(printPolicy(parsePolicy('allow:\n  action: allow\n  or: [{user: u-alice}]\n'))).not.toMatch(/action/);
  });
  it('but is no operator of a nested group, nor a rule key', () => {
    expect(err('allow:\n  or:\n    - {action: x, or: [{accept: true}]}\n').message).toMatch(
      /criterion has exactly one key|unknown/,
    );
    expect(err('action: allow\nallow: {or: [{accept: true}]}\n').message).toBe(
      'action: unknown key "action" (a rule has allow and/or deny)',
    );
  });
});

describe('dates without an offset are UTC', () => {
  const p = 'allow:\n  or:\n    - date: {after: "2020-01-02T16:20:00"}\n';
  it('after', () => {
    expect(allowed(p, { now: new Date('2020-01-02T16:20:00Z') })).toBe(true);
    expect(allowed(p, { now: new Date('2020-01-02T16:19:59Z') })).toBe(false);
  });
  it('offsets and Z keep working', () => {
    const q = 'allow:\n  or:\n    - date: {before: "2020-01-02T16:20:00+02:00"}\n';
    expect(allowed(q, { now: new Date('2020-01-02T14:19:59Z') })).toBe(true);
    expect(allowed(q, { now: new Date('2020-01-02T14:20:00Z') })).toBe(false);
  });
});

describe('day_of_week', () => {
  const monday = new Date('2025-01-06T12:00:00Z');
  const saturday = new Date('2025-01-04T12:00:00Z');
  const sunday = new Date('2025-01-05T12:00:00Z');
  const wednesday = new Date('2025-01-08T12:00:00Z');
  it.each([
    ['mon-fri', monday, true],
    ['mon-fri', saturday, false],
    ['{is: mon-fri}', monday, true],
    ['{is: mon-fri}', sunday, false],
    ['"monday,tuesday"', monday, true],
    ['"monday,tuesday"', wednesday, false],
    ['MONDAY', monday, true],
    ['Mon', saturday, false],
    ['fri-mon', sunday, true],
    ['fri-mon', saturday, true],
    ['fri-mon', wednesday, false],
    ['fri-mon', monday, true],
    ['"*"', sunday, true],
    ['"Saturday-Sunday"', saturday, true],
    ['"Saturday-Sunday"', monday, false],
  ] as const)('%s at %s → %s', (v, now, expected) => {
    expect(allowed(`allow:\n  or:\n    - day_of_week: ${v}\n`, { now })).toBe(expected);
  });
  it('is a UTC day unless a timezone names another (a Postern extension)', () => {
    // 2025-01-05T23:30Z is Sunday in UTC and already Monday in Tokyo.
    const now = new Date('2025-01-05T23:30:00Z');
    expect(allowed('allow:\n  or:\n    - day_of_week: mon\n', { now })).toBe(false);
    expect(allowed('allow:\n  or:\n    - day_of_week: {is: mon, timezone: Asia/Tokyo}\n', { now })).toBe(true);
    expect(allowed('allow:\n  or:\n    - day_of_week: {is: sun, timezone: Asia/Tokyo}\n', { now })).toBe(false);
    expect(err('allow:\n  or:\n    - day_of_week: {is: mon, timezone: Nowhere/Else}\n').path).toBe(
      'allow.or[0].day_of_week.timezone',
    );
  });
});

describe('time_of_day clock layouts', () => {
  const at = (h: number, m = 0, s = 0) => new Date(Date.UTC(2025, 0, 6, h, m, s));
  it.each([
    ['"15:04"', at(15, 4), at(15, 3, 59)],
    ['"15:04:05"', at(15, 4, 5), at(15, 4, 4)],
    ['3PM', at(15), at(14, 59)],
    ['3pm', at(15), at(14, 59)],
    ['"3:04 PM"', at(15, 4), at(15, 3)],
    ['"3:04 pm"', at(15, 4), at(15, 3)],
    ['"3:04:05PM"', at(15, 4, 5), at(15, 4, 4)],
    ['"3:04:05 am"', at(3, 4, 5), at(3, 4, 4)],
  ] as const)('after %s', (v, yes, no) => {
    const p = `allow:\n  or:\n    - time_of_day: {timezone: UTC, after: ${v}}\n`;
    expect(allowed(p, { now: yes })).toBe(true);
    expect(allowed(p, { now: no })).toBe(false);
  });
  it('requires a timezone', () => {
    expect(err('allow:\n  or:\n    - time_of_day: {after: 3PM}\n').message).toMatch(/timezone: is required/);
  });
});

describe('source_ip', () => {
  it.each([
    ['192.168.1.1/24', '192.168.1.200', true],
    ['192.168.1.1/24', '192.168.2.1', false],
    ['[10.0.0.1, 10.0.0.2]', '10.0.0.2', true],
    ['[10.0.0.1, 10.0.0.2]', '10.0.0.3', false],
    ['"::ffff:10.0.0.0/104"', '10.1.2.3', true],
    ['"::ffff:10.0.0.0/104"', '11.1.2.3', false],
    ['"::ffff:10.1.2.3"', '10.1.2.3', true],
  ] as const)('%s with %s → %s', (v, ip, expected) => {
    expect(allowed(`allow:\n  or:\n    - source_ip: ${v}\n`, { sourceIp: ip })).toBe(expected);
  });
});

describe('claim paths: only the first slash separates the name; nested lookups split on / and .', () => {
  it.each([
    ['claim/org/team: sre', true],
    ['claim/org.team: sre', true],
    ['claim/org/team: dev', false],
    // An exact key wins over the nested path.
    ['claim/a/b: whole-key', true],
    ['claim/a/b: nested', false],
    ['claim/a.b: nested', true],
  ] as const)('%s → %s', (criterion, expected) => {
    expect(allowed(`allow:\n  or:\n    - ${criterion}\n`)).toBe(expected);
  });
});

describe('empty matcher mappings put no condition on the value (Pomerium)', () => {
  it('email: {} matches any caller, but not an anonymous one', () => {
    expect(allowed('allow:\n  or:\n    - email: {}\n')).toBe(true);
    expect(allowed('allow:\n  or:\n    - email: {}\n', { user: null })).toBe(false);
    expect(policyWarnings(parsePolicy('allow:\n  or:\n    - email: {}\n'))[0]?.message).toMatch(/any value matches/);
  });
});

describe('client certificates', () => {
  const FP = '0f'.repeat(32);
  const LONG = Array.from({ length: 32 }, () => '0F').join(':');
  const SPKI = 'lYTnmc6l4QxVTmQHzQYqpd9Xl3ZZ2L+pE2BrsJ+Lk5A=';
  const cert = {
    fingerprint: FP,
    spkiHash: SPKI,
    sanEmail: [],
    sanDns: ['bot.corp.example'],
    sanUri: ['spiffe://corp/bot'],
    valid: true,
  };
  it('accepts both fingerprint forms, single or in a list, and stores the short one', () => {
    for (const v of [FP, LONG, `[${FP}]`, `["${LONG}", "${'1'.repeat(64)}"]`]) {
      const p = `allow:\n  or:\n    - client_certificate: {fingerprint: ${v.startsWith('0F') ? `"${v}"` : v}}\n`;
      expect(allowed(p, { clientCertificate: cert }), v).toBe(true);
      expect(allowed(p, { clientCertificate: { ...cert, fingerprint: 'ee'.repeat(32) } }), v).toBe(false);
      expect(allowed(p), v).toBe(false);
      expect(printPolicy(parsePolicy(p))).toContain(FP);
    }
  });
  it('refuses other fingerprint and SPKI hash forms, naming the place', () => {
    expect(err(`allow:\n  or:\n    - client_certificate: {fingerprint: ${'0F'.repeat(32)}}\n`).message).toMatch(
      /fingerprint: ".*" is not a SHA-256 fingerprint/,
    );
    expect(err(`allow:\n  or:\n    - client_certificate: {fingerprint: [${FP}, abc]}\n`).path).toBe(
      'allow.or[0].client_certificate.fingerprint[1]',
    );
    expect(err('allow:\n  or:\n    - client_certificate: {spki_hash: "AAAA"}\n').message).toMatch(/not an SPKI hash/);
    expect(err('allow:\n  or:\n    - client_certificate: abc\n').message).toMatch(
      /expected a mapping with fingerprint/,
    );
    expect(err('allow:\n  or:\n    - client_certificate: {serial: 1}\n').message).toMatch(/unknown matcher "serial"/);
  });
  it('matches the SPKI hash and subject alternative names; all conditions must hold', () => {
    expect(
      allowed(`allow:\n  or:\n    - client_certificate: {spki_hash: "${SPKI}"}\n`, { clientCertificate: cert }),
    ).toBe(true);
    expect(
      allowed(`allow:\n  or:\n    - client_certificate: {spki_hash: ["${SPKI}"], fingerprint: "${'1'.repeat(64)}"}\n`, {
        clientCertificate: cert,
      }),
    ).toBe(false);
    expect(
      allowed('allow:\n  or:\n    - client_certificate: {san_dns: {ends_with: .corp.example}}\n', {
        clientCertificate: cert,
      }),
    ).toBe(true);
    expect(
      allowed('allow:\n  or:\n    - client_certificate: {san_uri: spiffe://corp/other}\n', { clientCertificate: cert }),
    ).toBe(false);
  });
  it('an unreadable certificate matches no client_certificate and is invalid', () => {
    const bad = { fingerprint: '', spkiHash: '', sanEmail: [], sanDns: [], sanUri: [], valid: false };
    expect(allowed('allow:\n  or:\n    - client_certificate: {}\n', { clientCertificate: bad })).toBe(false);
    expect(allowed('allow:\n  or:\n    - client_certificate: {}\n', { clientCertificate: cert })).toBe(true);
    expect(allowed('allow:\n  or:\n    - invalid_client_certificate: true\n', { clientCertificate: bad })).toBe(true);
  });
  it('binds a service account to its certificate: token and certificate both required', () => {
    const p = `allow:\n  and:\n    - user: u-alice\n    - client_certificate: {fingerprint: ${FP}}\n`;
    expect(allowed(p, { clientCertificate: cert })).toBe(true);
    expect(allowed(p)).toBe(false);
    expect(allowed(p, { user: { id: 'u-bob' }, clientCertificate: cert })).toBe(false);
  });
  it('reads a lazy certificate only when a policy needs it', () => {
    let calls = 0;
    const lazy = () => {
      calls++;
      return cert;
    };
    expect(allowed('allow:\n  or:\n    - user: u-alice\n', { clientCertificate: lazy })).toBe(true);
    expect(calls).toBe(0);
    expect(
      allowed(
        `allow:\n  and:\n    - client_certificate: {fingerprint: ${FP}}\n    - client_certificate: {spki_hash: "${SPKI}"}\n`,
        { clientCertificate: lazy },
      ),
    ).toBe(true);
    expect(calls).toBe(1);
  });
});

describe('criteria Postern does not have', () => {
  it.each([
    'device',
    'record',
    'mcp_tool',
    'ssh_username',
    'ssh_publickey',
    'ssh_ca',
    'pomerium_routes',
    'ssh_username_matches_email',
  ])('%s is refused as a Pomerium feature, with its place and line', (name) => {
    const e = err(`allow:\n  and:\n    - user: u\n    - ${name}: {is: x}\n`);
    expect(e.message).toBe(
      `allow.and[1].${name}: criterion "${name}" is a Pomerium feature that Postern does not support`,
    );
    expect(e.line).toBe(4);
  });
  it('an unknown name is refused with its name, place and line', () => {
    const e = err('deny:\n  or:\n    - frobnicate/x: 1\n');
    expect(e.message).toMatch(
      /^deny\.or\[0\]\.frobnicate\/x: unknown criterion "frobnicate": Postern does not support it/,
    );
    expect(e.line).toBe(3);
  });
});
