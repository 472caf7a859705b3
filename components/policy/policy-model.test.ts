import { describe, expect, it } from 'vitest';
import { parsePolicy, printPolicy } from '@/lib/policy';
import {
  fitsBuilder,
  fromBuilderModel,
  newCriterion,
  newGroup,
  retypeCriterion,
  toBuilderModel,
  type BuilderModel,
  type CriterionDraft,
} from './policy-model';
import { criterionIssue, NOT_AN_IP, ROOT_ISSUE, modelWarnings, validateModel } from './model-validate';
import { hasOverride, setOverride } from './model-edit';

// One-rule policies covering every criterion, every matcher, several matchers in one
// criterion, several operators in one block, nesting, and strings YAML likes to mangle.
const VARIED = [
  'allow:\n  or:\n    - accept: true\n',
  'deny:\n  and:\n    - reject: true\n',
  'allow:\n  and:\n    - authenticated_user: true\n    - cors_preflight: true\n',
  'allow:\n  and:\n    - email: {is: a@x.io, starts_with: a, ends_with: .io, contains: "@", in: [a@x.io, c d@x.io], not_in: [b@x.io], not: c@x.io}\n',
  'allow:\n  or:\n    - user: "12345"\n    - domain: {ends_with: corp.example}\n    - http_path: {starts_with: "/api/v1/", not: "/api/v1/admin"}\n',
  'allow:\n  or:\n    - groups: {has: eng, exclude: contractors}\n    - groups: {is: solo}\n    - claim/family_name: Smith\n    - claim/org/id: "42"\n',
  'allow:\n  and:\n    - http_method: {in: [get, head, options, PROPFIND]}\n    - http_method: {is: POST, not: PUT}\n    - source_ip: [10.0.0.0/8, "::1", "2001:db8::/32", 192.168.1.7]\n',
  'allow:\n  and:\n    - date: {after: "2025-01-01T00:00:00Z", before: "2026-01-01T00:00:00+02:00"}\n    - day_of_week: "mon-wed, fri"\n    - time_of_day: {timezone: America/New_York, after: "9:00 AM", before: 5PM}\n    - time_of_day: {timezone: UTC, before: "17:00"}\n',
  'allow:\n  and:\n    - claim/family_name: Smith\n  or:\n    - domain: {is: domain1.com}\n    - domain: {is: domain2.com}\n  not:\n    - groups: banned\n  nor:\n    - email: x@y.z\n    - http_method: DELETE\n',
  'allow:\n  and:\n    - or:\n        - email: a@x.io\n        - and:\n            - groups: g\n            - not:\n                - nor:\n                    - claim/roles: {is: admin}\n                    - source_ip: 127.0.0.1\n      not:\n        - http_path: {contains: ..}\n',
  'allow:\n  and:\n    - user: {is: ci-runner@ns-1234.pomerium}\n    - http_method: {in: [GET, HEAD]}\ndeny:\n  or:\n    - http_path: {starts_with: /admin}\n',
  JSON.stringify({
    allow: { or: [{ http_path: { is: `/ünïcödé/ 'q' "dq" # x` } }, { 'claim/a.b': 'true' }, { email: 'null' }] },
  }),
];

describe('builder model round trip', () => {
  it.each(VARIED)('parse(fromBuilderModel(toBuilderModel(p))) equals p: %#', (source) => {
    const p = parsePolicy(source);
    expect(fitsBuilder(p)).toBe(true);
    const model = toBuilderModel(p);
    expect(validateModel(model).size).toBe(0);
    expect(parsePolicy(fromBuilderModel(model))).toEqual(p);
  });

  it('keeps every operator of a block as its own section', () => {
    const model = toBuilderModel(parsePolicy(VARIED[8]!));
    expect(model.allow?.operators.map((s) => s.op)).toEqual(['and', 'or', 'not', 'nor']);
    expect(model.deny).toBeNull();
  });

  it('merges two sections with the same operator instead of dropping one', () => {
    const a = newCriterion('email');
    const b = newCriterion('email');
    a.matches[0]!.value = 'a@x.io';
    b.matches[0]!.value = 'b@x.io';
    const group = newGroup('or', [a]);
    group.operators.push({ id: 'x', op: 'or', items: [b] });
    expect(fromBuilderModel({ allow: group, deny: null })).toEqual({
      allow: { or: [{ email: { is: 'a@x.io' } }, { email: { is: 'b@x.io' } }] },
    });
  });

  it('says a policy with several rules does not fit', () => {
    expect(fitsBuilder(parsePolicy('- allow: {or: [{accept: true}]}\n- deny: {or: [{reject: true}]}\n'))).toBe(false);
  });
});

describe('validateModel', () => {
  const withRow = (row: CriterionDraft): BuilderModel => ({ allow: newGroup('and', [row]), deny: null });

  it('flags an incomplete row by its id and leaves a complete one alone', () => {
    const row = newCriterion('email');
    expect(validateModel(withRow(row)).get(row.id)).toBe('Enter a value.');
    row.matches[0]!.value = 'a@x.io';
    expect(validateModel(withRow(row)).size).toBe(0);
  });

  it('explains bad addresses, claim names, dates and time zones', () => {
    expect(criterionIssue({ ...newCriterion('source_ip'), text: '10.0.0.300' })).toBe(NOT_AN_IP);
    expect(criterionIssue({ ...newCriterion('source_ip'), text: '10.0.0.1, nope' })).toBe(`${NOT_AN_IP}: nope`);
    expect(criterionIssue({ ...newCriterion('source_ip'), text: '10.0.0.0/8 ::1' })).toBeNull();
    const claim = newCriterion('claim');
    claim.matches[0]!.value = 'ops';
    expect(criterionIssue(claim)).toBe('Enter a claim name.');
    expect(criterionIssue({ ...claim, key: 'roles' })).toBeNull();
    const date = newCriterion('date');
    date.matches[0]!.value = 'yesterday';
    expect(criterionIssue(date)).toMatch(/not a date and time/);
    expect(criterionIssue({ ...newCriterion('time_of_day', 'Mars/Olympus'), after: '09:00' })).toMatch(
      /^Unknown time zone/,
    );
    expect(criterionIssue({ ...newCriterion('time_of_day', 'UTC'), after: '09:00' })).toBeNull();
    expect(criterionIssue({ ...newCriterion('day_of_week'), text: 'someday' })).toMatch(/^Unknown day/);
  });

  it('warns, without an error, that an empty operator matches nothing; asks for one block in the rule', () => {
    const model: BuilderModel = { allow: newGroup('and'), deny: null };
    expect(validateModel(model).size).toBe(0);
    expect(modelWarnings(model).get(model.allow!.operators[0]!.id)).toBe(
      'This block matches nothing: add a criterion or a group.',
    );
    expect(validateModel({ allow: null, deny: null }).get(ROOT_ISSUE)).toBe('Add an allow or a deny block.');
  });

  it('refuses a method row with no method checked', () => {
    const row = newCriterion('http_method');
    expect(row.matches[0]!.matcher).toBe('in');
    expect(criterionIssue(row)).toBe('Choose a method.');
    row.matches[0]!.value = 'GET\nHEAD';
    expect(criterionIssue(row)).toBeNull();
  });
});

describe('retypeCriterion', () => {
  it('keeps matchers the new criterion understands and resets the rest', () => {
    const email = newCriterion('email');
    email.matches = [{ id: 'm', matcher: 'starts_with', value: 'ci-' }];
    expect(retypeCriterion(email, 'user').matches).toEqual(email.matches);
    const groups = retypeCriterion(email, 'groups');
    expect(groups.matches.map((m) => [m.matcher, m.value])).toEqual([['has', '']]);
    expect(groups.id).toBe(email.id);
    expect(retypeCriterion(email, 'time_of_day', 'Europe/Paris').timezone).toBe('Europe/Paris');
  });
});

describe('quick overrides', () => {
  const print = (m: BuilderModel) => printPolicy(parsePolicy(fromBuilderModel(m)));

  it('adds the criterion to allow.or, creating the block when needed, and removes it again', () => {
    let m: BuilderModel = { allow: null, deny: null };
    m = setOverride(m, 'authenticated_user', true);
    expect(print(m)).toBe('allow:\n  or:\n    - authenticated_user: true\n');
    m = setOverride(m, 'cors_preflight', true);
    expect(hasOverride(m, 'cors_preflight')).toBe(true);
    m = setOverride(m, 'authenticated_user', false);
    expect(print(m)).toBe('allow:\n  or:\n    - cors_preflight: true\n');
    m = setOverride(m, 'cors_preflight', false);
    expect(m.allow).toBeNull();
  });

  it('adds an or beside an existing and, so the override grants on its own', () => {
    let m = toBuilderModel(
      parsePolicy('allow:\n  and:\n    - email: a@x.io\ndeny:\n  or:\n    - http_path: {starts_with: /admin}\n'),
    );
    m = setOverride(m, 'accept', true);
    expect(print(m)).toBe(
      'allow:\n  and:\n    - email:\n        is: a@x.io\n  or:\n    - accept: true\ndeny:\n  or:\n    - http_path:\n        starts_with: /admin\n',
    );
    m = setOverride(m, 'accept', false);
    expect(m.allow?.operators.map((s) => s.op)).toEqual(['and']);
  });

  it('does not count an override nested in a group', () => {
    const m = toBuilderModel(parsePolicy('allow:\n  or:\n    - and:\n        - accept: true\n'));
    expect(hasOverride(m, 'accept')).toBe(false);
  });
});
