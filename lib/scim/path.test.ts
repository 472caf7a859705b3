import { describe, it, expect } from 'vitest';
import { matches, parseFilter, parsePath, toBoolean } from '@/lib/scim/path';
import { ScimError } from '@/lib/scim/errors';

const scimType = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ScimError);
    return (e as ScimError).scimType;
  }
  throw new Error('expected a ScimError');
};

describe('filters', () => {
  it('reads the eq filters IdPs send', () => {
    expect(parseFilter('userName eq "alice@example.com"')).toEqual({
      path: { urn: null, attr: 'userName', filter: null, sub: null },
      value: 'alice@example.com',
    });
    expect(parseFilter('externalId EQ "00u1"').value).toBe('00u1');
    expect(parseFilter('emails[type eq "work"].value eq "a@b.c"')).toEqual({
      path: { urn: null, attr: 'emails', filter: { attr: 'type', value: 'work' }, sub: 'value' },
      value: 'a@b.c',
    });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"').path).toMatchObject({
      urn: 'urn:ietf:params:scim:schemas:core:2.0:User',
      attr: 'userName',
    });
  });

  it('decodes escaped quotes and keeps brackets inside strings', () => {
    expect(parseFilter(String.raw`displayName eq "a \"b\" ]c"`).value).toBe('a "b" ]c');
    expect(parsePath('members[value eq "x]y"]').filter).toEqual({ attr: 'value', value: 'x]y' });
  });

  it('refuses other operators, compound filters and junk as invalidFilter', () => {
    for (const f of [
      'userName co "a"',
      'userName pr',
      'userName eq "a" and active eq true',
      'userName eq',
      '((',
      'userName eq "unterminated',
    ]) {
      expect(
        scimType(() => parseFilter(f)),
        f,
      ).toBe('invalidFilter');
    }
  });
});

describe('attribute paths', () => {
  it('splits attribute, filter and sub-attribute', () => {
    expect(parsePath('name.givenName')).toEqual({ urn: null, attr: 'name', filter: null, sub: 'givenName' });
    expect(parsePath('members[value eq "2819c223"]')).toEqual({
      urn: null,
      attr: 'members',
      filter: { attr: 'value', value: '2819c223' },
      sub: null,
    });
    expect(parsePath('emails[primary eq true].value').filter).toEqual({ attr: 'primary', value: true });
  });

  it('recognizes the enterprise extension and refuses unknown schemas', () => {
    expect(parsePath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department')).toMatchObject({
      attr: 'department',
    });
    expect(parsePath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User')).toMatchObject({ attr: null });
    expect(scimType(() => parsePath('urn:example:custom:thing'))).toBe('invalidPath');
    expect(scimType(() => parsePath('a b'))).toBe('invalidPath');
  });
});

describe('value filters on elements', () => {
  it('compares strings case-insensitively unless caseExact, booleans leniently', () => {
    expect(matches({ type: 'Work' }, { attr: 'type', value: 'work' })).toBe(true);
    expect(matches({ value: 'ABC' }, { attr: 'value', value: 'abc' }, true)).toBe(false);
    expect(matches({ primary: 'True' }, { attr: 'primary', value: true })).toBe(true);
    expect(matches('x', { attr: 'value', value: 'x' })).toBe(false);
  });

  it('reads Entra string booleans', () => {
    expect(toBoolean('False')).toBe(false);
    expect(toBoolean('TRUE')).toBe(true);
    expect(toBoolean('no')).toBeUndefined();
  });
});
