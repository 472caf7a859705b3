import { describe, it, expect } from 'vitest';
import { parse } from 'yaml';
import { parsePolicy, printPolicy, policyToValue, PolicyError, type Policy } from './index';

describe('printPolicy', () => {
  it('prints canonical block YAML with explicit matchers', () => {
    const p = parsePolicy(`
deny: {or: [{http_path: {starts_with: /admin}}]}
allow:
  or: [{groups: ops}]
  and: [{user: ci-runner@ns-1234.pomerium}, {http_method: {in: [get, HEAD]}}]
`);
    expect(printPolicy(p)).toBe(`allow:
  and:
    - user:
        is: ci-runner@ns-1234.pomerium
    - http_method:
        in:
          - GET
          - HEAD
  or:
    - groups:
        has: ops
deny:
  or:
    - http_path:
        starts_with: /admin
`);
  });

  it('orders operators and, or, not, nor and matchers canonically', () => {
    const p = parsePolicy(
      'allow:\n  nor: [{reject: true}]\n  not: [{reject: true}]\n  or: [{accept: true}]\n  and: [{email: {not: b@x.io, is: a@x.io}}]\n',
    );
    const text = printPolicy(p);
    expect(text.indexOf('\n  and:')).toBeLessThan(text.indexOf('\n  or:'));
    expect(text.indexOf('\n  or:')).toBeLessThan(text.indexOf('\n  not:'));
    expect(text.indexOf('\n  not:')).toBeLessThan(text.indexOf('\n  nor:'));
    expect(text.indexOf('is: a@x.io')).toBeLessThan(text.indexOf('not: b@x.io'));
  });

  it('quotes times and other strings that YAML 1.1 readers would misread', () => {
    const p = parsePolicy(
      'allow:\n  and:\n    - time_of_day: {timezone: UTC, after: 2:20:00, before: 17:00}\n    - claim/flag: "yes"\n',
    );
    const text = printPolicy(p);
    expect(text).toContain('after: "2:20:00"');
    expect(text).toContain('before: "17:00"');
    expect(text).toContain('has: "yes"');
  });

  it('prints a list of rules as a list, and no rules as []', () => {
    expect(printPolicy(parsePolicy('- allow: {or: [{accept: true}]}\n- deny: {or: [{reject: true}]}\n'))).toMatch(
      /^- allow:\n/,
    );
    expect(printPolicy(parsePolicy('[]'))).toBe('[]\n');
  });

  it('validates and canonicalizes a policy built by hand', () => {
    const built: Policy = {
      rules: [
        {
          allow: {
            kind: 'block',
            or: [{ kind: 'criterion', name: 'http_method', value: { not: 'delete', is: 'get' } }],
          },
        },
      ],
    };
    expect(printPolicy(built)).toBe('allow:\n  or:\n    - http_method:\n        is: GET\n        not: DELETE\n');
    const broken: Policy = {
      rules: [{ allow: { kind: 'block', or: [{ kind: 'criterion', name: 'source_ip', value: ['nope'] }] } }],
    };
    expect(() => printPolicy(broken)).toThrow(PolicyError);
    expect(() => printPolicy({ rules: [null] } as unknown as Policy)).toThrow(PolicyError);
  });
});

// Varied policies: every criterion, every matcher, nesting, lists of rules, odd strings.
const VARIED = [
  'allow:\n  or:\n    - accept: true\n',
  'deny:\n  and:\n    - reject: true\n',
  'allow:\n  and:\n    - authenticated_user: true\n    - cors_preflight: true\n',
  'allow:\n  and:\n    - email: {is: a@x.io, starts_with: a, ends_with: .io, contains: "@", in: [a@x.io], not_in: [b@x.io], not: c@x.io}\n',
  'allow:\n  or:\n    - user: "12345"\n    - domain: {ends_with: corp.example}\n    - http_path: {starts_with: "/api/v1/", not: "/api/v1/admin"}\n',
  'allow:\n  or:\n    - groups: {has: eng, exclude: contractors}\n    - groups: {is: solo}\n    - claim/family_name: Smith\n    - claim/org/id: "42"\n',
  'allow:\n  and:\n    - http_method: {in: [get, head, options]}\n    - source_ip: [10.0.0.0/8, "::1", "2001:db8::/32", 192.168.1.7]\n',
  'allow:\n  and:\n    - date: {after: "2025-01-01T00:00:00Z", before: "2026-01-01T00:00:00+02:00"}\n    - day_of_week: "mon-wed, fri"\n    - time_of_day: {timezone: America/New_York, after: "9:00 AM", before: 5PM}\n',
  'allow:\n  and:\n    - claim/family_name: Smith\n  or:\n    - domain: {is: domain1.com}\n    - domain: {is: domain2.com}\n  not:\n    - groups: banned\n  nor:\n    - email: x@y.z\n    - http_method: DELETE\n',
  'allow:\n  and:\n    - or:\n        - email: a@x.io\n        - and:\n            - groups: g\n            - not:\n                - nor:\n                    - claim/roles: {is: admin}\n                    - source_ip: 127.0.0.1\n      not:\n        - http_path: {contains: ..}\n',
  '- allow:\n    or: [{email: a@x.io}]\n- allow:\n    or: [{email: b@x.io}]\n  deny:\n    or: [{http_path: "/: odd # path"}]\n- deny:\n    not: [{source_ip: 10.0.0.0/8}]\n',
  JSON.stringify({
    allow: { or: [{ http_path: { is: `/ünïcödé/ 'q' "dq"` } }, { 'claim/a.b': 'true' }, { email: 'null' }] },
  }),
  '[]',
];

describe('round trip', () => {
  it.each(VARIED)('parse → print → parse is the identity: %#', (source) => {
    const p = parsePolicy(source);
    const printed = printPolicy(p);
    const again = parsePolicy(printed);
    expect(again).toEqual(p);
    expect(printPolicy(again)).toBe(printed);
    // The plain-data form round-trips too (what a JSON API would carry).
    expect(parsePolicy(JSON.parse(JSON.stringify(policyToValue(p))))).toEqual(p);
  });

  it('prints YAML that a plain YAML reader sees as the same data', () => {
    for (const source of VARIED) {
      const p = parsePolicy(source);
      expect(parse(printPolicy(p))).toEqual(policyToValue(p));
    }
  });
});
