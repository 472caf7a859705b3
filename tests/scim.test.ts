// SCIM 2.0 provisioning as Okta and Microsoft Entra ID drive it, through the route
// handlers themselves (real Requests, Next 16's params promise), against a real database.
import { describe, it, expect, beforeAll } from 'vitest';
import { getDatabase, getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { AppError } from '@/lib/dal/errors';
import { createScimToken, listScimTokens, revokeScimToken } from '@/lib/dal/scim-tokens';
import * as Users from '@/app/scim/v2/Users/route';
import * as User from '@/app/scim/v2/Users/[id]/route';
import * as Groups from '@/app/scim/v2/Groups/route';
import * as Group from '@/app/scim/v2/Groups/[id]/route';
import * as SPConfig from '@/app/scim/v2/ServiceProviderConfig/route';
import * as ResourceTypes from '@/app/scim/v2/ResourceTypes/route';
import * as Schemas from '@/app/scim/v2/Schemas/route';
import { makeAdmin, makeUserWithoutRole } from './support/actors';
import { ERROR, GROUP, PATCH_OP, USER, patch, scimClient } from './support/scim';
import { expectEntryKinds, rowCounts } from './support/helpers';

let admin: Actor;
let token: string;
let tokenName: string;
const scim = scimClient(() => token);

const uniq = () => Math.random().toString(36).slice(2, 8);
const oktaUser = (userName: string, over: Record<string, unknown> = {}) => ({
  schemas: [USER],
  userName,
  name: { givenName: 'Ann', familyName: 'Lee' },
  emails: [{ primary: true, value: userName, type: 'work' }],
  displayName: 'Ann Lee',
  locale: 'en-US',
  externalId: `00u${uniq()}`,
  groups: [],
  password: 'OktaSentThisPassword-1',
  active: true,
  ...over,
});
const entraUser = (userName: string) => ({
  schemas: [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  externalId: `entra-${uniq()}`,
  userName,
  active: true,
  addresses: [{ primary: true, type: 'work', streetAddress: '1 Main St' }],
  displayName: 'Bo Chen',
  emails: [{ primary: true, type: 'work', value: userName }],
  meta: { resourceType: 'User' },
  name: { formatted: 'Bo Chen', familyName: 'Chen', givenName: 'Bo' },
  title: 'Engineer',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D', manager: { value: 'm-1' } },
});
const createUser = async (body: unknown) => {
  const r = await scim(Users.POST, 'POST', '/Users', { body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
};
const createGroup = async (displayName: string, members: string[] = []) => {
  const r = await scim(Groups.POST, 'POST', '/Groups', {
    body: { schemas: [GROUP], displayName, members: members.map((value) => ({ value })) },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
};
const groupsOf = async (id: string) =>
  (await (await getPrisma()).directoryUser.findUniqueOrThrow({ where: { id }, select: { groups: true } })).groups;
const counts = () => rowCounts('directoryUser', 'directoryGroup', 'directoryGroupMember', 'auditEvent');

beforeAll(async () => {
  admin = await makeAdmin();
  tokenName = `okta-${uniq()}`;
  ({ token } = await createScimToken(admin, tokenName));
});

describe('authentication', () => {
  it('answers 401 with a SCIM error and changes nothing for a missing, wrong or revoked token', async () => {
    const revoked = await createScimToken(admin, 'old');
    await revokeScimToken(admin, revoked.id);
    const before = await counts();
    for (const auth of [null, 'Bearer nope', `Basic ${token}`, `Bearer ${revoked.token}`, `Bearer ${token}x`]) {
      const r = await scim(Users.POST, 'POST', '/Users', { body: oktaUser(`nobody-${uniq()}@example.com`), auth });
      expect(r.status, String(auth)).toBe(401);
      expect(r.body).toMatchObject({ schemas: [ERROR], status: '401' });
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect(await counts()).toEqual(before);
    expect((await scim(Groups.GET, 'GET', '/Groups', { auth: null })).status).toBe(401);
  });

  it('records when a token was last used; the console lists tokens without secrets, to admins only', async () => {
    await scim(Users.GET, 'GET', '/Users?count=1');
    const rows = await listScimTokens(admin);
    const mine = rows.find((t) => t.name === tokenName)!;
    expect(mine.lastUsedAt).toBeInstanceOf(Date);
    expect(Object.keys(mine).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'revokedAt']);
    const stored = await (await getPrisma()).scimToken.findUniqueOrThrow({
      where: { id: mine.id },
      omit: { tokenHash: false },
    });
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(token);
    const nobody = await makeUserWithoutRole();
    await expect(listScimTokens(nobody)).rejects.toBeInstanceOf(AppError);
    await expect(createScimToken(nobody, 'x')).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('Okta', () => {
  it('finds, creates, groups, deactivates, replaces and deletes a user', async () => {
    const userName = `ann-${uniq()}@example.com`;
    const find = await scim(
      Users.GET,
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`,
    );
    expect(find.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });

    const created = await createUser(oktaUser(userName));
    expect(created).toMatchObject({
      userName,
      active: true,
      emails: [{ value: userName, primary: true }],
      name: { formatted: 'Ann Lee' },
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    const row = await (await getPrisma()).directoryUser.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ userName, email: userName, name: 'Ann Lee', source: 'scim', active: true, groups: [] });
    expect(JSON.stringify(row)).not.toContain('OktaSentThisPassword');

    const dup = await scim(Users.POST, 'POST', '/Users', { body: oktaUser(userName.toUpperCase()) });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });

    const found = await scim(
      Users.GET,
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${userName.toUpperCase()}"`)}&startIndex=1&count=100`,
    );
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(created.id);

    const eng = await createGroup(`Engineering-${uniq()}`);
    expect(
      (
        await scim(Group.PATCH, 'PATCH', `/Groups/${eng.id}`, {
          id: eng.id,
          body: patch({ op: 'add', path: 'members', value: [{ value: created.id, display: userName }] }),
        })
      ).status,
    ).toBe(204);
    const ops = await createGroup(`Admins-${uniq()}`, [created.id]);
    expect(await groupsOf(created.id)).toEqual([ops.displayName, eng.displayName]);
    const got = await scim(User.GET, 'GET', `/Users/${created.id}`, { id: created.id });
    expect(got.body.groups.map((g: { display: string }) => g.display)).toEqual([ops.displayName, eng.displayName]);

    const removal = await scim(Group.PATCH, 'PATCH', `/Groups/${eng.id}`, {
      id: eng.id,
      body: patch({ op: 'remove', path: `members[value eq "${created.id}"]` }),
    });
    expect(removal.status).toBe(204);
    expect(await groupsOf(created.id)).toEqual([ops.displayName]);

    const renamed = `Operators-${uniq()}`;
    await scim(Group.PATCH, 'PATCH', `/Groups/${ops.id}`, {
      id: ops.id,
      body: patch({ op: 'replace', value: { id: ops.id, displayName: renamed } }),
    });
    expect(await groupsOf(created.id)).toEqual([renamed]);

    const epoch = await (await getDatabase()).readEpoch();
    const off = await scim(User.PATCH, 'PATCH', `/Users/${created.id}`, {
      id: created.id,
      body: patch({ op: 'replace', value: { active: false } }),
    });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await (await getPrisma()).directoryUser.findUniqueOrThrow({ where: { id: created.id } })).active).toBe(
      false,
    );
    expect(await (await getDatabase()).readEpoch()).toBeGreaterThan(epoch);

    const { active: _a, ...noActive } = oktaUser(userName, {
      name: { givenName: 'Annie', familyName: 'Lee' },
      emails: [{ primary: true, value: 'annie@example.com', type: 'work' }],
    });
    const put = await scim(User.PUT, 'PUT', `/Users/${created.id}`, {
      id: created.id,
      body: { ...noActive, id: created.id },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id: created.id,
      name: { formatted: 'Annie Lee' },
      emails: [{ value: 'annie@example.com' }],
      active: false,
    });

    expect(
      (
        await scim(Group.PUT, 'PUT', `/Groups/${eng.id}`, {
          id: eng.id,
          body: { schemas: [GROUP], displayName: eng.displayName, members: [{ value: created.id }] },
        })
      ).status,
    ).toBe(200);
    expect(await groupsOf(created.id)).toEqual([eng.displayName, renamed].sort());
    expect((await scim(Group.DELETE, 'DELETE', `/Groups/${eng.id}`, { id: eng.id })).status).toBe(204);
    expect(await groupsOf(created.id)).toEqual([renamed]);

    expect((await scim(User.DELETE, 'DELETE', `/Users/${created.id}`, { id: created.id })).status).toBe(204);
    expect((await scim(User.GET, 'GET', `/Users/${created.id}`, { id: created.id })).status).toBe(404);
    expect(await (await getPrisma()).directoryGroupMember.count({ where: { userId: created.id } })).toBe(0);
  });
});

describe('Microsoft Entra ID', () => {
  it('matches by externalId, deactivates with "False", and adds and removes members by value', async () => {
    const body = entraUser(`bo-${uniq()}@contoso.com`);
    const miss = await scim(
      Users.GET,
      'GET',
      `/Users?filter=${encodeURIComponent(`externalId eq "${body.externalId}"`)}`,
    );
    expect(miss.body.totalResults).toBe(0);
    const bo = await createUser(body);
    expect(bo).toMatchObject({ name: { formatted: 'Bo Chen' }, externalId: body.externalId });
    const hit = await scim(
      Users.GET,
      'GET',
      `/Users?filter=${encodeURIComponent(`externalId eq "${body.externalId}"`)}`,
    );
    expect(hit.body.Resources.map((u: { id: string }) => u.id)).toEqual([bo.id]);
    const byMail = await scim(
      Users.GET,
      'GET',
      `/Users?filter=${encodeURIComponent(`emails[type eq "work"].value eq "${body.userName}"`)}`,
    );
    expect(byMail.body.totalResults).toBe(1);

    const off = await scim(User.PATCH, 'PATCH', `/Users/${bo.id}`, {
      id: bo.id,
      body: patch({ op: 'Replace', path: 'active', value: 'False' }),
    });
    expect(off.status).toBe(200);
    expect((await (await getPrisma()).directoryUser.findUniqueOrThrow({ where: { id: bo.id } })).active).toBe(false);

    const mail = await scim(User.PATCH, 'PATCH', `/Users/${bo.id}`, {
      id: bo.id,
      body: patch(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'bo.chen@contoso.com' },
        { op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'Ops' },
        { op: 'Replace', path: 'title', value: 'Lead' },
      ),
    });
    expect(mail.status).toBe(200);
    expect(mail.body.emails).toEqual([{ value: 'bo.chen@contoso.com', type: 'work', primary: true }]);

    const grp = await scim(Groups.POST, 'POST', '/Groups', {
      body: {
        schemas: [GROUP],
        externalId: `g-${uniq()}`,
        displayName: `Sales-${uniq()}`,
        meta: { resourceType: 'Group' },
      },
    });
    expect(grp.status).toBe(201);
    const g = grp.body;
    const add = await scim(Group.PATCH, 'PATCH', `/Groups/${g.id}`, {
      id: g.id,
      body: patch({ op: 'Add', path: 'members', value: [{ value: bo.id }] }),
    });
    expect(add.status).toBe(204);
    expect(await groupsOf(bo.id)).toEqual([g.displayName]);
    const found = await scim(
      Groups.GET,
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${g.displayName}"`)}`,
    );
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0]).not.toHaveProperty('members');
    expect((await scim(Group.GET, 'GET', `/Groups/${g.id}`, { id: g.id })).body.members).toEqual([
      expect.objectContaining({ value: bo.id }),
    ]);

    const remove = await scim(Group.PATCH, 'PATCH', `/Groups/${g.id}`, {
      id: g.id,
      body: patch({ op: 'Remove', path: 'members', value: [{ value: bo.id }] }),
    });
    expect(remove.status).toBe(204);
    expect(await groupsOf(bo.id)).toEqual([]);
  });

  it('refuses a member that does not exist with 400 invalidValue, changing nothing', async () => {
    const g = await createGroup(`Empty-${uniq()}`);
    const before = await counts();
    const r = await scim(Group.PATCH, 'PATCH', `/Groups/${g.id}`, {
      id: g.id,
      body: patch({ op: 'Add', path: 'members', value: [{ value: 'no-such-user' }] }),
    });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ scimType: 'invalidValue' });
    expect(await counts()).toEqual(before);
  });

  it('keeps every membership when one user joins several groups at once', async () => {
    const u = await createUser(oktaUser(`busy-${uniq()}@example.com`));
    const groups = await Promise.all([1, 2, 3, 4, 5].map((i) => createGroup(`Parallel-${i}-${uniq()}`)));
    const results = await Promise.all(
      groups.map((g) =>
        scim(Group.PATCH, 'PATCH', `/Groups/${g.id}`, {
          id: g.id,
          body: patch({ op: 'Add', path: 'members', value: [{ value: u.id }] }),
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([204, 204, 204, 204, 204]);
    expect(await groupsOf(u.id)).toEqual(groups.map((g) => g.displayName).sort());
  });
});

describe('bad input', () => {
  it('refuses wrong schemas, malformed JSON and unsupported paths with 400', async () => {
    const wrong = await scim(Users.POST, 'POST', '/Users', {
      body: { ...oktaUser(`w-${uniq()}@example.com`), schemas: [GROUP] },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidSyntax' });
    expect((await scim(Groups.POST, 'POST', '/Groups', { body: { displayName: 'no-schemas' } })).body.scimType).toBe(
      'invalidSyntax',
    );
    expect((await scim(Users.POST, 'POST', '/Users', { raw: '{"schemas": [' })).status).toBe(400);
    const u = await createUser(oktaUser(`p-${uniq()}@example.com`));
    const noOp = await scim(User.PATCH, 'PATCH', `/Users/${u.id}`, {
      id: u.id,
      body: { Operations: [{ op: 'replace', path: 'active', value: false }] },
    });
    expect(noOp.body.scimType).toBe('invalidSyntax');
    const badPath = await scim(User.PATCH, 'PATCH', `/Users/${u.id}`, {
      id: u.id,
      body: patch({ op: 'replace', path: 'favouriteColour', value: 'blue' }),
    });
    expect(badPath.status).toBe(400);
    expect(badPath.body.scimType).toBe('invalidPath');
    expect((await scim(Users.GET, 'GET', `/Users?filter=${encodeURIComponent('userName sw "a"')}`)).body.scimType).toBe(
      'invalidFilter',
    );
  });

  it('ignores unknown attributes', async () => {
    const u = await createUser({
      ...oktaUser(`x-${uniq()}@example.com`),
      shoeSize: 44,
      'urn:example:custom': { a: 1 },
    });
    expect(u).not.toHaveProperty('shoeSize');
  });

  it('refuses bodies over 1 MB with 413, by Content-Length and by bytes read', async () => {
    const before = await counts();
    const big = JSON.stringify({ ...oktaUser(`big-${uniq()}@example.com`), junk: 'x'.repeat(1024 * 1024) });
    const declared = await scim(Users.POST, 'POST', '/Users', {
      raw: big,
      headers: { 'content-length': String(Buffer.byteLength(big)) },
    });
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({ schemas: [ERROR], status: '413' });
    const chunk = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(chunk);
        c.close();
      },
    });
    const res = await Users.POST(
      new Request('http://console.test/scim/v2/Users', {
        method: 'POST',
        body: stream,
        duplex: 'half',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it('answers 404 for unknown ids and never 500 for odd input', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [h, m, path] of [
      [User.GET, 'GET', 'Users'],
      [User.DELETE, 'DELETE', 'Users'],
      [Group.GET, 'GET', 'Groups'],
      [Group.DELETE, 'DELETE', 'Groups'],
    ] as const) {
      const r = await scim(h, m, `/${path}/${missing}`, { id: missing });
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ schemas: [ERROR], status: '404' });
    }
    expect(
      (
        await scim(User.PATCH, 'PATCH', `/Users/${missing}`, {
          id: missing,
          body: patch({ op: 'replace', path: 'active', value: false }),
        })
      ).status,
    ).toBe(404);
    const u = await createUser(oktaUser(`odd-${uniq()}@example.com`));
    const odd: unknown[] = [
      null,
      [],
      'x',
      1,
      { schemas: 'x' },
      { schemas: [PATCH_OP], Operations: 'x' },
      { schemas: [PATCH_OP], Operations: [null] },
      patch({ op: 'add', path: 'emails', value: 'a@b.c' }),
      patch({ op: 'add', path: 'name', value: 3 }),
      patch({ op: 'replace', path: 'emails[type eq', value: 1 }),
      patch({ op: 'add', path: 'userName', value: '' }),
      patch({ op: 'remove', path: 'emails[value eq "x"' }),
    ];
    for (const body of odd) {
      const r = await scim(User.PATCH, 'PATCH', `/Users/${u.id}`, { id: u.id, body });
      expect(r.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.status, JSON.stringify(body)).toBeLessThan(500);
      expect(JSON.stringify(r.body)).not.toMatch(/prisma|SELECT|at .*\.ts/i);
    }
  });
});

describe('lists', () => {
  it('pages with 1-based startIndex and count, reporting the total', async () => {
    for (let i = 0; i < 3; i++) await createUser(oktaUser(`page-${i}-${uniq()}@example.com`));
    const total = await (await getPrisma()).directoryUser.count({ where: { source: 'scim', userName: { not: null } } });
    const all = await scim(Users.GET, 'GET', '/Users?startIndex=1&count=200');
    expect(all.body.totalResults).toBe(total);
    const page = await scim(Users.GET, 'GET', '/Users?startIndex=2&count=2');
    expect(page.body).toMatchObject({ totalResults: total, itemsPerPage: 2, startIndex: 2 });
    expect(page.body.Resources.map((u: { id: string }) => u.id)).toEqual(
      all.body.Resources.slice(1, 3).map((u: { id: string }) => u.id),
    );
    expect((await scim(Users.GET, 'GET', '/Users?count=0')).body).toMatchObject({ totalResults: total, Resources: [] });
    expect((await scim(Users.GET, 'GET', `/Users?startIndex=${total + 1}`)).body).toMatchObject({
      totalResults: total,
      itemsPerPage: 0,
    });
  });

  it('serves the discovery documents', async () => {
    expect((await scim(SPConfig.GET, 'GET', '/ServiceProviderConfig')).body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true },
    });
    expect(
      (await scim(ResourceTypes.GET, 'GET', '/ResourceTypes')).body.Resources.map((r: { id: string }) => r.id),
    ).toEqual(['User', 'Group']);
    expect((await scim(Schemas.GET, 'GET', '/Schemas')).body.Resources.map((r: { id: string }) => r.id)).toEqual([
      USER,
      GROUP,
    ]);
  });
});

describe('service accounts and history', () => {
  it('keeps an impersonated user as an inactive tombstone when the IdP deletes it', async () => {
    const u = await createUser(oktaUser(`imp-${uniq()}@example.com`));
    const g = await createGroup(`Imp-${uniq()}`, [u.id]);
    const prisma = await getPrisma();
    const sa = await prisma.serviceAccount.create({
      data: { namespaceId: 'global', userId: u.id, directoryUserId: u.id },
    });
    expect((await scim(User.DELETE, 'DELETE', `/Users/${u.id}`, { id: u.id })).status).toBe(204);
    expect((await scim(User.GET, 'GET', `/Users/${u.id}`, { id: u.id })).status).toBe(404);
    expect(await prisma.directoryUser.findUniqueOrThrow({ where: { id: u.id } })).toMatchObject({
      active: false,
      userName: null,
      groups: [],
    });
    expect(await prisma.serviceAccount.findUniqueOrThrow({ where: { id: sa.id } })).toMatchObject({
      directoryUserId: u.id,
    });
    expect((await scim(Group.GET, 'GET', `/Groups/${g.id}`, { id: g.id })).body.members).toEqual([]);
    await createUser(oktaUser(u.userName)); // the userName is free again
  });

  it('audits every kind of SCIM change under the token name, without the token', async () => {
    const prisma = await getPrisma();
    const events = await prisma.auditEvent.findMany({
      where: { actorEmail: `scim:${tokenName}` },
      select: { action: true, entityType: true },
    });
    expectEntryKinds(events, [
      'directory_user:create',
      'directory_user:update',
      'directory_user:delete',
      'directory_group:create',
      'directory_group:update',
      'directory_group:delete',
    ]);
    const tokenRows = await prisma.scimToken.findMany({ select: { tokenHash: true } });
    const rows = await prisma.$queryRawUnsafe<{ dump: string }[]>(
      `SELECT coalesce(string_agg(t::text, E'\\n'), '') AS dump FROM audit_events t`,
    );
    const dump = rows[0]?.dump ?? '';
    expect(dump).toContain(tokenName);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(token.slice(-20));
    for (const { tokenHash } of tokenRows) expect(dump).not.toContain(tokenHash);
    expect(dump).not.toContain('OktaSentThisPassword');
    const groupUpdate = await prisma.auditEvent.findFirst({
      where: { actorEmail: `scim:${tokenName}`, entityType: 'directory_group', action: 'update' },
      orderBy: { id: 'asc' },
    });
    expect(groupUpdate?.before).toBeTruthy();
    expect(groupUpdate?.after).toBeTruthy();
  });
});
