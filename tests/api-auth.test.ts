// Who may call the REST API: personal API keys (capped at their role cap, refused when
// revoked, expired or the owner is disabled) and service-account JWTs with a console role
// (refused as the verify path refuses them). Sessions are not accepted; failures are
// throttled; the Change History names the key or account, and no credential is logged.
import { describe, it, expect, beforeAll, vi, afterEach } from 'vitest';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { createNamespace } from '@/lib/dal/namespaces';
import { addGrant } from '@/lib/dal/grants';
import { revokeApiKey } from '@/lib/dal/api-keys';
import { setServiceAccountDisabled } from '@/lib/dal/service-accounts';
import { rotateServiceAccount } from '@/lib/dal/rotation';
import { log } from '@/lib/log';
import { makeAdmin, makeUserWithRole } from './support/actors';
import { uid } from './support/helpers';
import { newAccount } from './support/builders';
import { api, apiCall, apiKeyOf } from './support/api';

let root: Actor;
let team: string;
let sibling: string;

beforeAll(async () => {
  root = await makeAdmin();
  team = (await createNamespace(root, 'global', 'Team')).id;
  sibling = (await createNamespace(root, 'global', 'Sibling')).id;
});

const createNs = async (credential: string, parentId: string, peer?: string) =>
  apiCall((await api.namespaces()).POST, {
    method: 'POST',
    path: '/namespaces',
    credential,
    peer,
    body: { parentId, name: `n-${uid()}` },
  });
const listNs = async (credential: string | null, peer?: string, headers?: Record<string, string>) =>
  apiCall((await api.namespaces()).GET, { path: '/namespaces?limit=200', credential, peer, headers });

describe('API keys', () => {
  it('act as their owner with at most their role cap', async () => {
    const admin = await makeUserWithRole(team, 'admin');
    const capped = await apiKeyOf(admin, 'viewer');
    const full = await apiKeyOf(admin, 'admin');
    // Reads pass under the cap; writes need more than Viewer.
    expect(
      (await listNs(capped.key)).body.items.map((n: { id: string; role: string }) => [n.id, n.role]),
    ).toContainEqual([team, 'viewer']);
    const refused = await createNs(capped.key, team);
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('https://postern.dev/problems/forbidden');
    expect((await createNs(full.key, team)).status).toBe(201);
    // A manager cap lets the Admin create, not grant.
    const manager = await apiKeyOf(admin, 'manager');
    expect((await createNs(manager.key, team)).status).toBe(201);
    const grant = await apiCall((await api.grants()).POST, {
      method: 'POST',
      path: '/grants',
      credential: manager.key,
      body: { namespaceId: team, subjectType: 'user', subject: root.email, role: 'viewer' },
    });
    expect(grant.status).toBe(403);
  });

  it('cannot create a key with a cap above their own', async () => {
    const admin = await makeUserWithRole(team, 'admin');
    const capped = await apiKeyOf(admin, 'manager');
    const res = await apiCall((await api.apiKeys()).POST, {
      method: 'POST',
      path: '/api-keys',
      credential: capped.key,
      body: { name: 'escalate', roleCap: 'admin' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.roleCap[0]).toMatch(/no higher than your own/);
    const ok = await apiCall((await api.apiKeys()).POST, {
      method: 'POST',
      path: '/api-keys',
      credential: capped.key,
      body: { name: 'pipeline', roleCap: 'viewer', expiresInDays: 7 },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.key).toMatch(/^postern_key_/);
    expect(ok.body.apiKey).toMatchObject({ name: 'pipeline', roleCap: 'viewer', revokedAt: null });
    // Listed without the key; revoked through the API.
    const list = await apiCall((await api.apiKeys()).GET, { path: '/api-keys', credential: capped.key });
    expect(list.text).not.toContain(ok.body.key);
    expect(list.body.items.map((k: { id: string }) => k.id)).toContain(ok.body.apiKey.id);
    const del = await apiCall((await api.apiKey()).DELETE, {
      method: 'DELETE',
      path: `/api-keys/${ok.body.apiKey.id}`,
      credential: capped.key,
      params: { id: ok.body.apiKey.id },
    });
    expect(del.status).toBe(200);
    expect(del.body.revokedAt).toEqual(expect.any(String));
    expect((await listNs(ok.body.key)).status).toBe(401);
  });

  it('are refused with 401 and WWW-Authenticate when missing, unknown, revoked, expired, or the owner is disabled', async () => {
    const peer = '10.0.0.1';
    const user = await makeUserWithRole(team, 'viewer');
    const revoked = await apiKeyOf(user, 'viewer');
    await revokeApiKey(user, revoked.apiKey.id);
    const expired = await apiKeyOf(user, 'viewer', { expiresInDays: 1 });
    const prisma = await getPrisma();
    await prisma.apiKey.update({ where: { id: expired.apiKey.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const other = await makeUserWithRole(team, 'viewer');
    const ofDisabled = await apiKeyOf(other, 'viewer');
    await prisma.user.update({ where: { id: other.userId }, data: { disabled: true } });
    for (const credential of [null, 'postern_key_nope', 'not-a-credential', revoked.key, expired.key, ofDisabled.key]) {
      const res = await listNs(credential, peer);
      expect(res.status, String(credential)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body).toMatchObject({ type: 'https://postern.dev/problems/unauthorized', status: 401 });
    }
  });

  it('a console session cookie is not a credential', async () => {
    const res = await listNs(null, '10.0.0.2', { cookie: 'next-auth.session-token=anything' });
    expect(res.status).toBe(401);
  });

  it('record their last use at most once a minute', async () => {
    const user = await makeUserWithRole(team, 'viewer');
    const { key, apiKey } = await apiKeyOf(user, 'viewer');
    const prisma = await getPrisma();
    await listNs(key);
    const first = (await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt;
    expect(first).toBeInstanceOf(Date);
    await listNs(key);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt).toEqual(first);
  });

  it('throttle repeated failures from one address with 429 and Retry-After, not other addresses', async () => {
    const peer = '10.9.9.9';
    let last = 0;
    for (let i = 0; i < 25 && last !== 429; i++) last = (await listNs('postern_key_wrong', peer)).status;
    expect(last).toBe(429);
    const res = await listNs('postern_key_wrong', peer);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.body.type).toBe('https://postern.dev/problems/throttled');
    // Another client is unaffected.
    const user = await makeUserWithRole(team, 'viewer');
    expect((await listNs((await apiKeyOf(user, 'viewer')).key, '10.9.9.10')).status).toBe(200);
  });
});

describe('service-account JWTs', () => {
  it('work with a grant to the account, limited to that role and namespace', async () => {
    const { account, token } = await newAccount(root, team);
    await addGrant(root, {
      namespaceId: team,
      subjectType: 'service_account',
      serviceAccountId: account.id,
      role: 'manager',
    });
    const created = await createNs(token, team);
    expect(created.status, created.text).toBe(201);
    expect((await createNs(token, sibling)).status).toBe(403);
    const grant = await apiCall((await api.grants()).POST, {
      method: 'POST',
      path: '/grants',
      credential: token,
      body: { namespaceId: team, subjectType: 'service_account', serviceAccountId: account.id, role: 'admin' },
    });
    expect(grant.status).toBe(403);
    // Also as Pomerium spells it in a Bearer header.
    expect((await listNs(`Pomerium-${token}`)).status).toBe(200);
    // The history names the account.
    const prisma = await getPrisma();
    const entry = await prisma.auditEvent.findFirst({ where: { entityType: 'namespace', entityId: created.body.id } });
    expect(entry).toMatchObject({ actorEmail: `service-account:${account.userId}`, actorId: null });
  });

  it('are refused without a grant (403), and when disabled, revoked or rotated out (401)', async () => {
    const lonely = await newAccount(root, team);
    const res = await listNs(lonely.token, '10.1.0.1');
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/no console role/);

    const { account, token } = await newAccount(root, team);
    await addGrant(root, {
      namespaceId: team,
      subjectType: 'service_account',
      serviceAccountId: account.id,
      role: 'viewer',
    });
    expect((await listNs(token)).status).toBe(200);
    await setServiceAccountDisabled(root, account.id, true);
    expect((await listNs(token, '10.1.0.2')).status).toBe(401);
    await setServiceAccountDisabled(root, account.id, false);
    expect((await listNs(token)).status).toBe(200);
    const rotated = await rotateServiceAccount(root, { id: account.id, expiration: 'never', grace: 'none' });
    expect((await listNs(token, '10.1.0.3')).status).toBe(401);
    expect((await listNs(rotated.token)).status).toBe(200);
    const revoke = await apiCall((await api.revoke()).POST, {
      method: 'POST',
      path: `/service-accounts/${account.id}/revoke`,
      credential: (await apiKeyOf(root, 'admin')).key,
      params: { id: account.id },
    });
    expect(revoke.status).toBe(200);
    expect((await listNs(rotated.token, '10.1.0.4')).status).toBe(401);
  });

  it('an expired token is refused', async () => {
    const { account, token } = await newAccount(root, team);
    await addGrant(root, {
      namespaceId: team,
      subjectType: 'service_account',
      serviceAccountId: account.id,
      role: 'viewer',
    });
    const prisma = await getPrisma();
    await prisma.serviceAccount.update({ where: { id: account.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const { changed } = await import('@/lib/verify/invalidate');
    changed(['accounts']);
    expect((await listNs(token, '10.1.0.5')).status).toBe(401);
  });
});

describe('secrets', () => {
  afterEach(() => vi.restoreAllMocks());

  it('no key or token reaches the logs or the Change History, and created ones are answered once', async () => {
    const lines: string[] = [];
    for (const level of ['debug', 'info', 'warn', 'error'] as const)
      vi.spyOn(log, level).mockImplementation(((...args: unknown[]) => {
        lines.push(JSON.stringify(args, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
      }) as never);
    const admin = await makeUserWithRole(team, 'admin');
    const { key } = await apiKeyOf(admin, 'admin');
    const created = await apiCall((await api.serviceAccounts()).POST, {
      method: 'POST',
      path: '/service-accounts',
      credential: key,
      body: { namespaceId: team, kind: 'service', userId: `ci-${uid()}`, expiration: '30' },
    });
    expect(created.status).toBe(201);
    const token: string = created.body.token;
    expect(token.split('.')).toHaveLength(3);
    const again = await apiCall((await api.serviceAccount()).GET, {
      path: `/service-accounts/${created.body.serviceAccount.id}`,
      credential: key,
      params: { id: created.body.serviceAccount.id },
    });
    expect(again.text).not.toContain(token);
    const rotated = await apiCall((await api.rotate()).POST, {
      method: 'POST',
      path: `/service-accounts/${created.body.serviceAccount.id}/rotate`,
      credential: key,
      params: { id: created.body.serviceAccount.id },
      body: { grace: 'none', expiration: '7' },
    });
    expect(rotated.status).toBe(200);
    // Failures are logged (without the credential).
    await listNs(`${key}x`, '10.2.0.1');
    await listNs(`${token}x`, '10.2.0.1');
    const prisma = await getPrisma();
    const history = JSON.stringify(
      (await prisma.auditEvent.findMany({ select: { actorEmail: true, before: true, after: true } })).map((e) => [
        e.actorEmail,
        e.before,
        e.after,
      ]),
    );
    expect(history).toContain(`api-key:`);
    for (const secret of [key, token, rotated.body.token as string]) {
      expect(history).not.toContain(secret);
      for (const l of lines) expect(l).not.toContain(secret);
    }
    expect(lines.some((l) => l.includes('credential refused'))).toBe(true);
  });
});
