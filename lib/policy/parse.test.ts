import { describe, it, expect } from 'vitest';
import { parsePolicy, type Policy } from './index';
import { parseError } from './test-utils';

const firstCriterion = (p: Policy) => p.rules[0]?.allow?.and?.[0];

describe('parsePolicy: accepted forms', () => {
  it('reads one rule, normalizing bare values to explicit matchers', () => {
    const p = parsePolicy(`
allow:
  and:
    - email: alice@corp.example
    - groups: admins
    - claim/roles: ops
    - http_method: get
    - source_ip: 10.0.0.0/8
    - day_of_week: Mon - Fri
deny:
  or:
    - http_path:
        starts_with: /admin
`);
    expect(p).toEqual({
      rules: [
        {
          allow: {
            kind: 'block',
            and: [
              { kind: 'criterion', name: 'email', value: { is: 'alice@corp.example' } },
              { kind: 'criterion', name: 'groups', value: { has: 'admins' } },
              { kind: 'criterion', name: 'claim', key: 'roles', value: { has: 'ops' } },
              { kind: 'criterion', name: 'http_method', value: { is: 'GET' } },
              { kind: 'criterion', name: 'source_ip', value: ['10.0.0.0/8'] },
              { kind: 'criterion', name: 'day_of_week', value: 'mon-fri' },
            ],
          },
          deny: {
            kind: 'block',
            or: [{ kind: 'criterion', name: 'http_path', value: { starts_with: '/admin' } }],
          },
        },
      ],
    });
  });

  it('reads a list of rules, JSON text, and already-parsed values alike', () => {
    const yaml = parsePolicy('- allow:\n    or:\n      - accept: true\n- deny:\n    or:\n      - reject: true\n');
    const json = parsePolicy('[{"allow":{"or":[{"accept":true}]}},{"deny":{"or":[{"reject":true}]}}]');
    const value = parsePolicy([{ allow: { or: [{ accept: true }] } }, { deny: { or: [{ reject: true }] } }]);
    expect(yaml.rules).toHaveLength(2);
    expect(json).toEqual(yaml);
    expect(value).toEqual(yaml);
  });

  it('accepts an empty list of rules (which allows no one)', () => {
    expect(parsePolicy('[]')).toEqual({ rules: [] });
  });

  it('keeps 17:00 and 2:20:00 as strings (YAML 1.2, not sexagesimal numbers)', () => {
    const p = parsePolicy(
      'allow:\n  and:\n    - time_of_day:\n        timezone: UTC\n        after: 2:20:00\n        before: 17:00\n',
    );
    expect(firstCriterion(p)).toEqual({
      kind: 'criterion',
      name: 'time_of_day',
      value: { timezone: 'UTC', after: '2:20:00', before: '17:00' },
    });
  });

  it('keeps YAML 1.2 scalars even when the text declares %YAML 1.1', () => {
    const p = parsePolicy(
      '%YAML 1.1\n---\nallow:\n  and:\n    - time_of_day: {timezone: UTC, after: 17:00}\n    - claim/flag: yes\n',
    );
    expect(p.rules[0]?.allow?.and?.map((c) => c.kind === 'criterion' && c.value)).toEqual([
      { timezone: 'UTC', after: '17:00' },
      { has: 'yes' },
    ]);
  });

  it('keeps matchers in canonical order whatever the input order', () => {
    const p = parsePolicy('allow:\n  and:\n    - http_path: {not: /x, ends_with: .json, starts_with: /api}\n');
    const c = firstCriterion(p);
    expect(c?.kind === 'criterion' && Object.keys(c.value)).toEqual(['starts_with', 'ends_with', 'not']);
  });

  it('reads nested operator objects, including several operators in one', () => {
    const p = parsePolicy({ allow: { and: [{ or: [{ email: 'a@x.io' }], not: [{ groups: 'g' }] }] } });
    expect(firstCriterion(p)).toMatchObject({ kind: 'block', or: [{ name: 'email' }], not: [{ name: 'groups' }] });
  });

  it('returns a frozen policy, and the same object for the same text', () => {
    const text = 'allow:\n  or:\n    - email: cache@x.io\n';
    const a = parsePolicy(text);
    expect(parsePolicy(text)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.rules[0]?.allow?.or?.[0])).toBe(true);
    expect(() => {
      (a.rules as Policy['rules'][number][]).push({});
    }).toThrow(TypeError);
  });
});

const unknownFoo =
  'unknown criterion "foo": Postern does not support it (it is not one of Postern\'s criteria; if it is a Pomerium feature, it is one Postern lacks)';

describe('parsePolicy: errors name the place', () => {
  it('rejects an unknown matcher with the path and line of the criterion', () => {
    const e = parseError('allow:\n  and:\n    - email: a@x.io\n    - http_method:\n        equals: GET\n');
    expect(e.message).toBe('allow.and[1].http_method: unknown matcher "equals"');
    expect(e.path).toBe('allow.and[1].http_method');
    expect(e.line).toBe(5);
  });

  it('prefixes the rule index for a list of rules', () => {
    const e = parseError('- allow:\n    or: [{accept: true}]\n- deny:\n    or:\n      - foo: bar\n');
    expect(e.message).toBe(`[1].deny.or[0].foo: ${unknownFoo}`);
    expect(e.line).toBe(5);
  });

  it.each([
    ['allow:\n  xor: [{accept: true}]\n', 'allow.xor: unknown operator "xor" (expected and, or, not, nor)', 2],
    ['allow:\n  email: a@x.io\n', 'allow.email: unknown operator "email" (expected and, or, not, nor)', 2],
    ['permit:\n  or: [{accept: true}]\n', 'permit: unknown key "permit" (a rule has allow and/or deny)', 1],
    [
      'allow:\n  and:\n    - email: 5\n',
      'allow.and[0].email: expected a string or a mapping of matchers (is, starts_with, ends_with, contains, in, not_in, not), got a number',
      3,
    ],
    ['allow:\n  and:\n    - email:\n        in: [a@x.io, 3]\n', 'allow.and[0].email.in[1]: expected a string', 4],
    ['allow:\n  and:\n    - email:\n        in: []\n', 'allow.and[0].email.in: needs at least one value', 4],
    ['allow:\n  and:\n    - email:\n        starts_with: ""\n', 'allow.and[0].email.starts_with: must not be empty', 4],
    ['allow:\n  and:\n    - groups: {contains: x}\n', 'allow.and[0].groups: unknown matcher "contains"', 3],
    [
      'allow:\n  and:\n    - source_ip: [10.0.0.0/8, 10.0.0.300]\n',
      'allow.and[0].source_ip[1]: "10.0.0.300" is not an IP address or CIDR range',
      3,
    ],
    [
      'allow:\n  and:\n    - source_ip: 10.0.0.0/33\n',
      'allow.and[0].source_ip: "10.0.0.0/33" is not an IP address or CIDR range',
      3,
    ],
    [
      'allow:\n  and:\n    - date: {after: 2025-02-30T00:00:00Z}\n',
      'allow.and[0].date.after: "2025-02-30T00:00:00Z" is not a date and time such as 2025-01-02T16:20:00Z (without an offset it is read as UTC)',
      3,
    ],
    [
      'allow:\n  and:\n    - date: {after: "2025-01-02"}\n',
      'allow.and[0].date.after: "2025-01-02" is not a date and time such as 2025-01-02T16:20:00Z (without an offset it is read as UTC)',
      3,
    ],
    [
      'allow:\n  and:\n    - date: {after: 2026-01-01T00:00:00Z, before: 2025-01-01T00:00:00Z}\n',
      'allow.and[0].date: "after" must be earlier than "before"',
      3,
    ],
    [
      'allow:\n  and:\n    - day_of_week: mon-fry\n',
      'allow.and[0].day_of_week: unknown day "mon-fry" (use mon, tue, … or a range such as mon-fri, or *)',
      3,
    ],
    [
      'allow:\n  and:\n    - time_of_day: {timezone: Mars/Olympus, after: "9:00"}\n',
      'allow.and[0].time_of_day.timezone: unknown time zone "Mars/Olympus" (use an IANA name such as Europe/Paris)',
      3,
    ],
    [
      'allow:\n  and:\n    - time_of_day: {after: "9:00"}\n',
      'allow.and[0].time_of_day.timezone: is required (e.g. timezone: UTC)',
      3,
    ],
    [
      'allow:\n  and:\n    - time_of_day: {timezone: UTC, after: "25:00"}\n',
      'allow.and[0].time_of_day.after: "25:00" is not a time of day such as 17:00, 2:20:00 or 4:30PM',
      3,
    ],
    [
      'allow:\n  and:\n    - time_of_day: "9:00"\n',
      'allow.and[0].time_of_day: expected a mapping with timezone and after and/or before',
      3,
    ],
    [
      'allow:\n  and:\n    - time_of_day: {timezone: 1, after: "9:00"}\n',
      'allow.and[0].time_of_day.timezone: expected a string',
      3,
    ],
    [
      'allow:\n  and:\n    - date: "2025-01-01T00:00:00Z"\n',
      'allow.and[0].date: expected a mapping with after and/or before',
      3,
    ],
    ['allow:\n  and:\n    - date: {on: "2025-01-01T00:00:00Z"}\n', 'allow.and[0].date: unknown matcher "on"', 3],
    [
      'allow:\n  and:\n    - day_of_week: [mon]\n',
      'allow.and[0].day_of_week: expected a mapping with is (and optionally timezone)',
      3,
    ],
    [
      'allow:\n  and:\n    - source_ip: {in: [10.0.0.0/8]}\n',
      'allow.and[0].source_ip: expected an IP address, a CIDR range, or a list of them',
      3,
    ],
    [
      'allow:\n  and:\n    - groups: [a, b]\n',
      'allow.and[0].groups: expected a string or a mapping of matchers (has, is, exclude), got a list',
      3,
    ],
    ['allow:\n  and:\n    - time_of_day: {timezone: UTC}\n', 'allow.and[0].time_of_day: needs after and/or before', 3],
    [
      'allow:\n  and:\n    - claim: x\n',
      'allow.and[0].claim: "claim" needs a name after a slash, e.g. claim/groups',
      3,
    ],
    ['allow:\n  and:\n    - email/work: a@x.io\n', 'allow.and[0].email/work: "email" takes no sub-key', 3],
    [
      'allow:\n  and:\n    - device: {is: abc}\n',
      'allow.and[0].device: criterion "device" is a Pomerium feature that Postern does not support',
      3,
    ],
    [
      'allow:\n  and:\n    - {email: a@x.io, user: u1}\n',
      'allow.and[0]: a criterion has exactly one key, got 2 (email, user)',
      3,
    ],
    ['allow:\n  and:\n    - {}\n', 'allow.and[0]: empty entry; expected a criterion such as "email: a@example.com"', 3],
    [
      'allow:\n  and:\n    - constructor: x\n',
      'allow.and[0].constructor: unknown criterion "constructor": Postern does not support it (it is not one of Postern\'s criteria; if it is a Pomerium feature, it is one Postern lacks)',
      3,
    ],
    ['allow:\n', 'allow: expected a mapping of operators (and, or, not, nor), got nothing', 1],
  ])('%j', (source, message, line) => {
    const e = parseError(source);
    expect(e.message).toBe(message);
    expect(e.line).toBe(line);
  });

  it('gives the line of YAML syntax errors', () => {
    const e = parseError('allow:\n  and:\n    - email: a@x.io\n    - email: [b@x.io\n');
    expect(e.message).toMatch(/^YAML syntax error at line \d+/);
    expect(e.line).toBeGreaterThanOrEqual(4);
    expect(parseError('allow:\n  or: [{accept: true}]\nallow:\n  or: [{reject: true}]\n').line).toBe(3);
  });

  it('refuses duplicate and non-scalar keys with their line', () => {
    const dup = parseError(
      'allow:\n  or: [{accept: true}]\ndeny:\n  or: [{reject: true}]\ndeny:\n  or: [{accept: true}]\n',
    );
    expect(dup.message).toBe('YAML syntax error at line 5, column 1: duplicate key "deny"');
    expect(dup.line).toBe(5);
    expect(parseError('allow:\n  or:\n    - {email: a@x.io, email: b@x.io}\n').line).toBe(3);
    expect(parseError('allow:\n  or:\n    - ? [email]\n      : a@x.io\n').message).toMatch(
      /line 3, column 9: mapping keys must be plain strings$/,
    );
  });

  it('refuses several YAML documents in one text', () => {
    expect(parseError('allow: {or: [{accept: true}]}\n---\ndeny: {or: [{accept: true}]}\n').line).toBe(2);
  });

  it('has no line for a policy given as a JS value', () => {
    const e = parseError({ allow: { and: [{ email: 1 }] } });
    expect(e.path).toBe('allow.and[0].email');
    expect(e.line).toBeUndefined();
  });
});

describe('parsePolicy: YAML that is not PPL', () => {
  it.each([
    ['hello', 'a policy is a rule (a mapping with allow and/or deny) or a list of rules, got a string'],
    ['42', 'a policy is a rule (a mapping with allow and/or deny) or a list of rules, got a number'],
    ['[1, 2, 3]', '[0]: expected a rule (a mapping with allow and/or deny), got a number'],
    ['allow: 5', 'allow: expected a mapping of operators (and, or, not, nor), got a number'],
    ['allow:\n  and: {email: a@x.io}\n', 'allow.and: expected a list of criteria, got a mapping'],
    ['allow:\n  and: [email]\n', 'allow.and[0]: expected a criterion such as "email: a@example.com", got a string'],
    ['', 'policy is empty'],
    ['# only a comment\n', 'policy is empty'],
    ['null', 'policy is empty'],
  ])('%j', (source, message) => {
    expect(parseError(source).message).toBe(message);
  });

  it('refuses non-plain JS values', () => {
    expect(parseError(new Date()).message).toMatch(/got an unsupported value/);
    expect(parseError({ allow: { or: [new Map()] } }).path).toBe('allow.or[0]');
  });
});
