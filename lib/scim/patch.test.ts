import { describe, it, expect } from 'vitest';
import { applyPatch, parsePatchBody, type PatchOperation } from '@/lib/scim/patch';
import { patchUser, userFromBody, type UserRecord } from '@/lib/scim/user';
import { groupFromBody, patchGroup } from '@/lib/scim/group';
import { GROUP_SCHEMA, URN } from '@/lib/scim/schema';
import { ScimError } from '@/lib/scim/errors';

const user: UserRecord = {
  id: 'u1',
  userName: 'ann@example.com',
  externalId: '00u1',
  email: 'ann@example.com',
  name: 'Ann Lee',
  active: true,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  groups: [],
};
const ops = (...o: unknown[]) => parsePatchBody({ schemas: [URN.patchOp], Operations: o });
/** `user` after these PATCH operations. */
const patched = (...o: unknown[]) => patchUser(user, ops(...o));
const failure = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ScimError);
    return e as ScimError;
  }
  throw new Error('expected a ScimError');
};

describe('PATCH bodies', () => {
  it('needs the PatchOp schema and a list of known ops', () => {
    expect(failure(() => parsePatchBody({ Operations: [{ op: 'add', path: 'active', value: true }] })).scimType).toBe(
      'invalidSyntax',
    );
    expect(failure(() => ops()).scimType).toBe('invalidSyntax');
    expect(failure(() => ops({ op: 'move', path: 'active' })).scimType).toBe('invalidSyntax');
    expect(ops({ op: 'Replace', path: 'active', value: 'False' })).toEqual([
      { op: 'replace', path: 'active', value: 'False' },
    ]);
  });
});

describe('PATCH of a user', () => {
  it("applies Entra's string booleans and Okta's path-less values", () => {
    expect(patched({ op: 'Replace', path: 'active', value: 'False' }).active).toBe(false);
    expect(patched({ op: 'replace', value: { active: false } }).active).toBe(false);
    expect(
      patchUser({ ...user, active: false }, ops({ op: 'replace', value: { id: 'u1', active: true } })).active,
    ).toBe(true);
  });

  it('sets the work email through a filtered path, creating it when absent', () => {
    const set = ops({ op: 'Add', path: 'emails[type eq "work"].value', value: 'new@example.com' });
    expect(patchUser(user, set).email).toBe('new@example.com');
    expect(patchUser({ ...user, email: null }, set).email).toBe('new@example.com');
    expect(patched({ op: 'remove', path: 'emails[type eq "work"].value' }).email).toBeNull();
  });

  it('a new primary email wins over the old one', () => {
    expect(patched({ op: 'add', path: 'emails', value: [{ value: 'b@example.com', primary: true }] }).email).toBe(
      'b@example.com',
    );
    expect(patched({ op: 'add', path: 'emails', value: [{ value: 'c@example.com' }] }).email).toBe('ann@example.com');
  });

  it('composes the name the way Entra sends it (dotted keys, several ops)', () => {
    expect(
      patched({
        op: 'Add',
        value: {
          'name.givenName': 'Anna',
          'name.familyName': 'Lee',
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': 'Ops',
        },
      }).name,
    ).toBe('Anna Lee');
    expect(
      patched(
        { op: 'Replace', path: 'name.formatted', value: 'Dr Ann Lee' },
        { op: 'Replace', path: 'displayName', value: 'Ann' },
      ).name,
    ).toBe('Dr Ann Lee');
    expect(patched({ op: 'replace', path: 'displayName', value: 'Annie' }).name).toBe('Annie');
  });

  it('accepts and drops standard attributes it does not store; refuses unknown paths', () => {
    expect(
      patched(
        { op: 'Replace', path: 'title', value: 'CTO' },
        { op: 'Add', path: 'phoneNumbers[type eq "work"].value', value: '1' },
      ),
    ).toMatchObject({ userName: user.userName, email: user.email });
    expect(patched({ op: 'replace', value: { nonsense: 1 } }).userName).toBe(user.userName);
    expect(failure(() => patched({ op: 'replace', path: 'nonsense', value: 1 })).scimType).toBe('invalidPath');
    expect(failure(() => patched({ op: 'replace', path: 'members', value: [] })).scimType).toBe('invalidPath');
    expect(failure(() => patched({ op: 'replace', path: 'name.nickname', value: 'x' })).scimType).toBe('invalidPath');
    expect(failure(() => patched({ op: 'remove' })).scimType).toBe('noTarget');
  });

  it('refuses values of the wrong type, and removing userName', () => {
    expect(failure(() => patched({ op: 'replace', path: 'active', value: 'maybe' })).scimType).toBe('invalidValue');
    expect(failure(() => patched({ op: 'remove', path: 'userName' })).scimType).toBe('invalidValue');
    expect(failure(() => patched({ op: 'replace', path: 'userName', value: 42 })).scimType).toBe('invalidValue');
  });
});

describe('PATCH of a group', () => {
  const group = {
    id: 'g1',
    displayName: 'eng',
    externalId: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    members: [{ id: 'a' }, { id: 'b' }],
  };
  const members = (...o: PatchOperation[] | unknown[]) => patchGroup(group, ops(...o)).members;

  it('adds, removes by filter, removes by value list (Entra) and replaces (Okta)', () => {
    expect(members({ op: 'add', path: 'members', value: [{ value: 'c' }, { value: 'a' }] })).toEqual(['b', 'c', 'a']);
    expect(members({ op: 'remove', path: 'members[value eq "a"]' })).toEqual(['b']);
    expect(members({ op: 'Remove', path: 'members', value: [{ value: 'b' }] })).toEqual(['a']);
    expect(members({ op: 'replace', path: 'members', value: [{ value: 'z' }] })).toEqual(['z']);
    expect(members({ op: 'remove', path: 'members' })).toEqual([]);
  });

  it('is idempotent: removing a non-member changes nothing', () => {
    expect(members({ op: 'remove', path: 'members[value eq "nobody"]' })).toEqual(['a', 'b']);
  });

  it("renames with Okta's path-less replace", () => {
    expect(patchGroup(group, ops({ op: 'replace', value: { id: 'g1', displayName: 'engineering' } }))).toMatchObject({
      displayName: 'engineering',
      members: ['a', 'b'],
    });
  });

  it('refuses member values that are not objects with a value', () => {
    expect(failure(() => members({ op: 'add', path: 'members', value: ['a'] })).scimType).toBe('invalidValue');
    expect(failure(() => members({ op: 'add', path: 'members', value: [{ display: 'x' }] })).scimType).toBe(
      'invalidValue',
    );
  });

  it('keeps the stored object untouched', () => {
    const base = { displayName: 'x', members: [{ value: 'a' }] };
    applyPatch(base, [{ op: 'remove', path: 'members' }], GROUP_SCHEMA);
    expect(base.members).toHaveLength(1);
  });
});

describe('POST and PUT bodies', () => {
  it('maps an Okta user and ignores what it does not store', () => {
    const f = userFromBody({
      schemas: [URN.user],
      userName: 'ann@example.com',
      name: { givenName: 'Ann', familyName: 'Lee' },
      emails: [{ primary: true, value: 'ann@example.com', type: 'work' }],
      displayName: 'Ann Lee',
      locale: 'en-US',
      externalId: '00u1',
      groups: [],
      password: 'hunter2',
      active: true,
      shoeSize: 44,
    });
    expect(f).toEqual({
      userName: 'ann@example.com',
      externalId: '00u1',
      email: 'ann@example.com',
      name: 'Ann Lee',
      active: true,
    });
  });

  it('reads attribute names case-insensitively', () => {
    expect(
      userFromBody({ Schemas: [URN.user], UserName: 'x', Active: 'False', Name: { Formatted: 'X Y' } }),
    ).toMatchObject({ userName: 'x', active: false, name: 'X Y' });
  });

  it('needs the resource schema', () => {
    expect(failure(() => userFromBody({ schemas: [URN.group], userName: 'x' })).scimType).toBe('invalidSyntax');
    expect(failure(() => groupFromBody({ displayName: 'x' })).scimType).toBe('invalidSyntax');
    expect(failure(() => userFromBody([])).scimType).toBe('invalidSyntax');
  });

  it('keeps membership on a group PUT without members, empties it with []', () => {
    expect(groupFromBody({ schemas: [URN.group], displayName: 'x' }).members).toBeUndefined();
    expect(groupFromBody({ schemas: [URN.group], displayName: 'x', members: [] }).members).toEqual([]);
    expect(
      groupFromBody({ schemas: [URN.group], displayName: 'x', members: [{ value: 'a' }, { value: 'a' }] }).members,
    ).toEqual(['a']);
  });
});
