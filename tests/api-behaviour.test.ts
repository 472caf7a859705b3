// How the REST API answers: RFC 9457 problems (validation field errors from the console's
// schemas, bad JSON, media type, size, not found, conflict), cursor pages over more than one
// page, ETag/If-Match (a stale write is 412 and changes nothing), PPL as text or JSON.
import { describe, it, expect, beforeAll } from 'vitest';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { createNamespace } from '@/lib/dal/namespaces';
import { createDirectoryUser } from '@/lib/dal/directory';
import { makeAdmin } from './support/actors';
import { uid } from './support/helpers';
import { newAccount, newRoute } from './support/builders';
import { api, apiCall, apiKeyOf } from './support/api';

let root: Actor;
let key: string;
let team: string;
const PPL = 'allow:\n  or:\n    - authenticated_user: true\n';

beforeAll(async () => {
  root = await makeAdmin();
  key = (await apiKeyOf(root, 'admin')).key;
  team = (await createNamespace(root, 'global', 'Team')).id;
});

const post = async (handler: Promise<{ POST: never }>, path: string, body: unknown, headers?: Record<string, string>) =>
  apiCall((await handler).POST, { method: 'POST', path, credential: key, body, headers });

/** Every page of a list endpoint, following nextCursor. */
async function allPages(handler: Parameters<typeof apiCall>[0], path: string, limit: number) {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await apiCall(handler, {
      path: `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      credential: key,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    for (const item of res.body.items) seen.push(item.id ?? item.name);
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return { seen, pages };
}

describe('problems (RFC 9457)', () => {
  it('validation errors carry the console schema’s field messages', async () => {
    const res = await post(api.serviceAccounts() as never, '/service-accounts', {
      namespaceId: team,
      kind: 'service',
      userId: 'has spaces',
      expiration: 'custom',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({
      type: 'https://postern.dev/problems/invalid',
      title: expect.any(String),
      status: 400,
      detail: expect.any(String),
      errors: {
        userId: ['Use only letters, digits and . - _ @ (no spaces).'],
        customExpiresAt: ['Enter a date and time.'],
      },
    });
  });

  it('bad JSON is 400, a non-JSON body 415, an oversized one 413, and nothing is created', async () => {
    const prisma = await getPrisma();
    const before = await prisma.namespace.count();
    const ns = api.namespaces() as never;
    const bad = await post(ns, '/namespaces', '{"name": ');
    expect(bad.status).toBe(400);
    expect(bad.body.type).toBe('https://postern.dev/problems/invalid');
    const form = await post(ns, '/namespaces', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(form.body.type).toBe('https://postern.dev/problems/unsupported_media_type');
    const huge = await post(ns, '/namespaces', { parentId: team, name: 'x', pad: 'x'.repeat(1024 * 1024 + 1) });
    expect(huge.status).toBe(413);
    expect(huge.body.type).toBe('https://postern.dev/problems/too_large');
    const array = await post(ns, '/namespaces', [1, 2]);
    expect(array.status).toBe(400);
    expect(await prisma.namespace.count()).toBe(before);
  });

  it('unknown ids are 404, taken names 409, bad query parameters and cursors 400', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await apiCall((await api.route()).GET, { path: `/routes/${id}`, credential: key, params: { id } });
      expect(res.status).toBe(404);
      expect(res.body.type).toBe('https://postern.dev/problems/not_found');
    }
    const name = `dup-${uid()}`;
    expect((await post(api.namespaces() as never, '/namespaces', { parentId: team, name })).status).toBe(201);
    const dup = await post(api.namespaces() as never, '/namespaces', { parentId: team, name: name.toUpperCase() });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({
      type: 'https://postern.dev/problems/conflict',
      errors: { name: [expect.any(String)] },
    });
    const limit = await apiCall((await api.namespaces()).GET, { path: '/namespaces?limit=0', credential: key });
    expect(limit.status).toBe(400);
    expect(limit.body.errors.limit).toBeDefined();
    const cursor = await apiCall((await api.namespaces()).GET, { path: '/namespaces?cursor=%%%', credential: key });
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors.cursor).toBeDefined();
    const history = await apiCall((await api.history()).GET, { path: '/history?from=yesterday', credential: key });
    expect(history.status).toBe(400);
    const noNs = await apiCall((await api.routes()).GET, { path: '/routes', credential: key });
    expect(noNs.status).toBe(400);
    expect(noNs.body.errors.namespaceId).toBeDefined();
  });
});

describe('cursor pages', () => {
  it('walk every service account, namespace, directory user and history entry exactly once', async () => {
    const ns = (await createNamespace(root, team, `paged-${uid()}`)).id;
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await newAccount(root, ns)).account.id);
    const accounts = await allPages((await api.serviceAccounts()).GET, `/service-accounts?namespaceId=${ns}`, 3);
    expect(accounts.pages).toBe(3);
    expect(accounts.seen.sort()).toEqual(made.sort());

    for (let i = 0; i < 4; i++) await createNamespace(root, ns, `child-${i}`);
    const namespaces = await allPages((await api.namespaces()).GET, '/namespaces', 2);
    expect(namespaces.pages).toBeGreaterThan(2);
    expect(new Set(namespaces.seen).size).toBe(namespaces.seen.length);
    expect(namespaces.seen.length).toBe(await (await getPrisma()).namespace.count());

    for (let i = 0; i < 5; i++)
      await createDirectoryUser(root, { id: `dir-${uid()}`, email: '', name: '', groups: [`g${i % 2}`] });
    const users = await allPages((await api.directoryUsers()).GET, '/directory/users', 2);
    expect(users.seen.length).toBe(await (await getPrisma()).directoryUser.count());
    expect(new Set(users.seen).size).toBe(users.seen.length);

    const history = await allPages((await api.history()).GET, `/history?namespaceId=${ns}`, 4);
    // 7 accounts + 4 namespaces + the namespace itself, newest first.
    expect(history.seen.length).toBe(12);
    expect(new Set(history.seen).size).toBe(12);
  });

  it('are stable while items are added between pages', async () => {
    const ns = (await createNamespace(root, team, `stable-${uid()}`)).id;
    for (let i = 0; i < 4; i++) await newAccount(root, ns);
    const handler = (await api.serviceAccounts()).GET;
    const first = await apiCall(handler, { path: `/service-accounts?namespaceId=${ns}&limit=2`, credential: key });
    await newAccount(root, ns);
    const second = await apiCall(handler, {
      path: `/service-accounts?namespaceId=${ns}&limit=10&cursor=${first.body.nextCursor}`,
      credential: key,
    });
    const firstIds = first.body.items.map((a: { id: string }) => a.id);
    for (const a of second.body.items) expect(firstIds).not.toContain(a.id);
    expect(second.body.items.every((a: { id: string }) => a.id > firstIds[1])).toBe(true);
  });
});

describe('ETag and If-Match', () => {
  it('a stale If-Match is 412 and the resource is unchanged; the current one succeeds', async () => {
    const route = await newRoute(root, team, `https://${uid()}.example.com`);
    const h = await api.route();
    const read = await apiCall(h.GET, { path: `/routes/${route.id}`, credential: key, params: { id: route.id } });
    const etag = read.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const first = await apiCall(h.PATCH, {
      method: 'PATCH',
      path: `/routes/${route.id}`,
      credential: key,
      params: { id: route.id },
      headers: { 'if-match': etag },
      body: { name: 'first' },
    });
    expect(first.status, first.text).toBe(200);
    expect(first.body.name).toBe('first');
    const newer = first.headers.get('etag')!;
    expect(newer).not.toBe(etag);
    const prisma = await getPrisma();
    const before = await prisma.route.findUniqueOrThrow({ where: { id: route.id } });
    const audit = await prisma.auditEvent.count();
    const stale = await apiCall(h.PATCH, {
      method: 'PATCH',
      path: `/routes/${route.id}`,
      credential: key,
      params: { id: route.id },
      headers: { 'if-match': etag },
      body: { name: 'second' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.type).toBe('https://postern.dev/problems/precondition_failed');
    expect(await prisma.route.findUniqueOrThrow({ where: { id: route.id } })).toEqual(before);
    expect(await prisma.auditEvent.count()).toBe(audit);
    const staleDelete = await apiCall(h.DELETE, {
      method: 'DELETE',
      path: `/routes/${route.id}`,
      credential: key,
      params: { id: route.id },
      headers: { 'if-match': etag },
    });
    expect(staleDelete.status).toBe(412);
    expect(await prisma.route.count({ where: { id: route.id } })).toBe(1);
    const del = await apiCall(h.DELETE, {
      method: 'DELETE',
      path: `/routes/${route.id}`,
      credential: key,
      params: { id: route.id },
      headers: { 'if-match': `"nope", ${newer}` },
    });
    expect(del.status).toBe(204);
  });

  it('guards namespaces, policies and service accounts the same way', async () => {
    const prisma = await getPrisma();
    const ns = await post(api.namespaces() as never, '/namespaces', { parentId: team, name: `e-${uid()}` });
    const nsTag = ns.headers.get('etag')!;
    const rename = async (tag: string) =>
      apiCall((await api.namespace()).PATCH, {
        method: 'PATCH',
        path: `/namespaces/${ns.body.id}`,
        credential: key,
        params: { id: ns.body.id },
        headers: { 'if-match': tag },
        body: { name: `renamed-${uid()}` },
      });
    expect((await rename(nsTag)).status).toBe(200);
    expect((await rename(nsTag)).status).toBe(412);

    const policy = await post(api.policies() as never, '/policies', {
      namespaceId: team,
      name: `p-${uid()}`,
      description: '',
      enforced: false,
      explanation: '',
      remediation: '',
      ppl: PPL,
    });
    const pTag = policy.headers.get('etag')!;
    const patchPolicy = async (tag: string) =>
      apiCall((await api.policy()).PATCH, {
        method: 'PATCH',
        path: `/policies/${policy.body.id}`,
        credential: key,
        params: { id: policy.body.id },
        headers: { 'if-match': tag },
        body: { description: 'new' },
      });
    expect((await patchPolicy(pTag)).status).toBe(200);
    expect((await patchPolicy(pTag)).status).toBe(412);

    const { account } = await newAccount(root, team);
    const read = await apiCall((await api.serviceAccount()).GET, {
      path: `/service-accounts/${account.id}`,
      credential: key,
      params: { id: account.id },
    });
    const aTag = read.headers.get('etag')!;
    await prisma.serviceAccount.update({ where: { id: account.id }, data: { description: 'changed meanwhile' } });
    const stale = await apiCall((await api.serviceAccount()).PATCH, {
      method: 'PATCH',
      path: `/service-accounts/${account.id}`,
      credential: key,
      params: { id: account.id },
      headers: { 'if-match': aTag },
      body: { disabled: true },
    });
    expect(stale.status).toBe(412);
    expect((await prisma.serviceAccount.findUniqueOrThrow({ where: { id: account.id } })).disabled).toBe(false);
    const revoke = await apiCall((await api.revoke()).POST, {
      method: 'POST',
      path: `/service-accounts/${account.id}/revoke`,
      credential: key,
      params: { id: account.id },
      headers: { 'if-match': aTag },
    });
    expect(revoke.status).toBe(412);
    expect(await prisma.serviceAccount.count({ where: { id: account.id } })).toBe(1);
  });
});

describe('resources', () => {
  it('policies accept PPL as a JSON value; ?name= finds one; PATCH merges fields', async () => {
    const name = `json-${uid()}`;
    const created = await post(api.policies() as never, '/policies', {
      namespaceId: team,
      name,
      description: 'from JSON',
      enforced: false,
      explanation: '',
      remediation: '',
      ppl: { allow: { and: [{ user: { is: 'ci-bot' } }] } },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.ppl).toContain('ci-bot');
    const found = await apiCall((await api.policies()).GET, {
      path: `/policies?namespaceId=${team}&name=${name.toUpperCase()}`,
      credential: key,
    });
    expect(found.body.items.map((p: { id: string }) => p.id)).toEqual([created.body.id]);
    const invalid = await post(api.policies() as never, '/policies', {
      namespaceId: team,
      name: `bad-${uid()}`,
      description: '',
      enforced: false,
      explanation: '',
      remediation: '',
      ppl: { allow: { and: [{ no_such_criterion: true }] } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.ppl).toBeDefined();
  });

  it('namespaces carry their path and can be found by it; service accounts are created with their token once', async () => {
    const child = await post(api.namespaces() as never, '/namespaces', { parentId: team, name: 'Payments' });
    expect(child.body.path).toBe('Global/Team/Payments');
    const byPath = await apiCall((await api.namespaces()).GET, {
      path: `/namespaces?path=${encodeURIComponent('Global/Team/Payments')}`,
      credential: key,
    });
    expect(byPath.body.items).toEqual([expect.objectContaining({ id: child.body.id, parentId: team })]);
    const sa = await post(api.serviceAccounts() as never, '/service-accounts', {
      namespaceId: child.body.id,
      kind: 'service',
      userId: `deploy-${uid()}`,
      description: 'CI',
      expiration: '30',
    });
    expect(sa.status).toBe(201);
    expect(sa.headers.get('location')).toBe(`/api/v1/service-accounts/${sa.body.serviceAccount.id}`);
    expect(sa.body.serviceAccount).toMatchObject({ namespaceId: child.body.id, state: 'active', disabled: false });
    const { verifyEngine } = await import('@/lib/verify/console');
    const check = await verifyEngine.check((n) => (n === 'authorization' ? `Pomerium ${sa.body.token}` : null));
    expect(check.ok).toBe(true);
  });

  it('the history lists API calls by key, filtered like the page', async () => {
    const res = await apiCall((await api.history()).GET, {
      path: `/history?namespaceId=${team}&entityType=namespace&actor=api-key:&limit=200`,
      credential: key,
    });
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const e of res.body.items) {
      expect(e.entityType).toBe('namespace');
      expect(e.actor).toMatch(new RegExp(`^api-key:key-\\w+ \\(${root.email.replace(/[.]/g, '\\.')}\\)$`));
      expect(e).toEqual(
        expect.objectContaining({ id: expect.any(String), at: expect.any(String), summary: expect.any(String) }),
      );
    }
  });
});
