// Forward-auth integrity, in process on a real database: the client never chooses the
// request Postern judges (issue 8). The same attacks through real nginx and Caddy are in
// tests/http/proxies.test.ts.
import { describe, it, expect, beforeAll } from 'vitest';
import { revokeServiceAccount } from '@/lib/dal/service-accounts';
import { createNamespace } from '@/lib/dal/namespaces';
import { listRoutes, updateRoute } from '@/lib/dal/routes';
import { createDirectoryUser } from '@/lib/dal/directory';
import { VerifyEngine } from '@/lib/verify/engine';
import { consoleEngineOptions } from '@/lib/verify/console';
import * as store from '@/lib/dal/verify-store';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin, makeUserWithRole } from './support/actors';
import { pomerium, verify, verifyAs, forwardedRequest } from './support/verify';
import { failure, uid } from './support/helpers';
import { newAccount, newGuardedRoute, newRoute, routeInput } from './support/builders';

let admin: Actor;
beforeAll(async () => {
  admin = await makeAdmin();
});

const account = (namespaceId: string, over: Record<string, unknown> = {}) => newAccount(admin, namespaceId, over);
const route = (actor: Actor, namespaceId: string, from: string, policyIds: string[] = []) =>
  newRoute(actor, namespaceId, from, policyIds);
const PUBLIC = 'allow:\n  or:\n    - accept: true\n';

const REJECT = 'allow:\n  or:\n    - reject: true\n';

/**
 * A namespace of its own with one account, and on one host of its own a route per path,
 * each behind a policy of its own with that PPL.
 */
async function sandbox(prefix: string, routes: Record<string, string>) {
  const ns = await createNamespace(admin, 'global', `${prefix}-${uid()}`);
  const { token } = await account(ns.id);
  const host = `${prefix}-${uid()}.example.com`;
  for (const [path, ppl] of Object.entries(routes)) await newGuardedRoute(admin, ns.id, `https://${host}${path}`, ppl);
  return { host, token };
}

describe('route swap: a header of another proxy family changes nothing', () => {
  let appHost: string;
  let adminHost: string;
  let token: string;
  beforeAll(async () => {
    const ns = await createNamespace(admin, 'global', `swap-${uid()}`);
    appHost = `app-${uid()}.example.com`;
    adminHost = `admin-${uid()}.example.com`;
    ({ token } = await account(ns.id));
    await newGuardedRoute(admin, ns.id, `https://${appHost}`, PUBLIC);
    await newGuardedRoute(admin, ns.id, `https://${adminHost}`, REJECT);
  });

  it('forward-auth (Caddy, Traefik): X-Original-URL naming a public route does not open the admin host', async () => {
    const res = await verifyAs('forward-auth', {
      ...pomerium(token),
      ...forwardedRequest(adminHost, '/x'),
      'x-original-url': `https://${appHost}/x`,
      'x-original-method': 'GET',
      forwarded: `host=${appHost}`,
    });
    expect(res.status).toBe(403);
    expect(
      (
        await verifyAs('forward-auth', {
          ...forwardedRequest(adminHost, '/'),
          'x-original-url': `https://${appHost}/`,
        })
      ).status,
    ).toBe(401);
  });

  it('auth-request (nginx): client-sent X-Forwarded-* and Host do not move the judged request', async () => {
    const res = await verifyAs('auth-request', {
      ...pomerium(token),
      'x-original-url': `https://${adminHost}/x`,
      'x-original-method': 'GET',
      ...forwardedRequest(appHost, '/x'),
      host: appHost,
    });
    expect(res.status).toBe(403);
  });

  it('ext-authz (Envoy): only the Host and appended path count', async () => {
    expect(
      (
        await verifyAs(
          'ext-authz',
          { ...pomerium(token), host: adminHost, 'x-forwarded-host': appHost, 'x-original-url': `https://${appHost}/` },
          { path: '/x' },
        )
      ).status,
    ).toBe(403);
    expect((await verifyAs('ext-authz', { ...pomerium(token), host: appHost }, { path: '/x' })).status).toBe(200);
  });

  it('a proxy endpoint without its description answers 400, never the token-only 200', async () => {
    for (const family of ['forward-auth', 'auth-request'] as const) {
      expect(await verifyAs(family, { ...pomerium(token), host: appHost })).toMatchObject({
        status: 400,
        body: { error: 'no_request_description' },
      });
    }
  });

  it('the token-only endpoint refuses a proxy description (an old proxy configuration fails closed)', async () => {
    expect(
      await verify({ ...pomerium(token), 'x-original-url': `https://${adminHost}/`, 'x-original-method': 'GET' }),
    ).toMatchObject({ status: 400, body: { error: 'proxy_endpoint_required' } });
    expect(await verify({ ...pomerium(token), 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET' })).toMatchObject({
      status: 400,
      body: { error: 'proxy_endpoint_required' },
    });
    expect((await verify(pomerium(token))).status).toBe(200);
  });
});

describe('path tricks are judged on the canonical path or refused', () => {
  let sb: { host: string; token: string };
  beforeAll(async () => {
    sb = await sandbox('paths', { '/pub': PUBLIC, '': REJECT, '/café': PUBLIC });
  });
  const fa = (uri: string) =>
    verifyAs('forward-auth', {
      ...pomerium(sb.token),
      ...forwardedRequest(sb.host, uri),
    });

  it.each(['/pub/../x', '/pub/%2e%2e/x', '/pub/%2E%2E/x', '/pub/.%2e/x', '/publicity', '/pub/./../x'])(
    '%s is judged as outside /pub: 403',
    async (uri) => {
      expect((await fa(uri)).status).toBe(403);
    },
  );
  it.each(['/pub', '/pub/', '/pub/x', '//pub/x', '/x/../pub/y', '/p%75b/x'])('%s is inside /pub: 200', async (uri) => {
    expect((await fa(uri)).status).toBe(200);
  });
  it.each([['/pub/..%2Fx'], ['/pub%2F..%2Fx'], ['/x;y'], ['/a%00'], ['/a%zz'], [`/${'a'.repeat(16 * 1024)}`]])(
    '%s is refused with bad_path',
    async (uri) => {
      expect(await fa(uri.slice(0, 20000))).toMatchObject({ status: 400, body: { error: 'bad_path' } });
    },
  );
  it('a route /café matches the encoded path a proxy sends', async () => {
    expect((await fa('/caf%C3%A9/menu')).status).toBe(200);
    expect((await fa('/caf%c3%a9')).status).toBe(200);
  });
});

describe('source_ip reads the trusted client address', () => {
  let sb: { host: string; token: string };
  beforeAll(async () => {
    sb = await sandbox('ip', {
      '/allow': 'allow:\n  and:\n    - source_ip: 10.1.2.0/24\n',
      '/deny': 'allow:\n  or:\n    - accept: true\ndeny:\n  or:\n    - source_ip: 10.9.0.0/16\n',
    });
  });
  const fa = (path: string, xff: string | undefined) =>
    verifyAs('forward-auth', {
      ...pomerium(sb.token),
      ...forwardedRequest(sb.host, path),
      ...(xff === undefined ? {} : { 'x-forwarded-for': xff }),
    });

  it('a client-written X-Forwarded-For entry does not satisfy an allow', async () => {
    expect((await fa('/allow', '10.1.2.3, 203.0.113.7')).status).toBe(403); // the proxy appended 203.0.113.7
    expect((await fa('/allow', '203.0.113.7, 10.1.2.3')).status).toBe(200); // the proxy saw 10.1.2.3
  });
  it('a client-written entry does not escape a deny', async () => {
    expect((await fa('/deny', '203.0.113.7, 10.9.1.1')).status).toBe(403);
    expect((await fa('/deny', '10.9.1.1, 203.0.113.7')).status).toBe(200);
  });
  it('an unknown or unparseable address matches no allow and does not escape a deny', async () => {
    for (const xff of [undefined, 'garbage', '10.1.2.3, not-an-ip']) {
      expect((await fa('/allow', xff)).status, String(xff)).toBe(403);
      expect((await fa('/deny', xff)).status, String(xff)).toBe(403);
    }
  });
});

describe('identity headers are always valid', () => {
  it('an impersonated user with non-Latin-1, CR/LF and comma-bearing values gets 200 with encoded headers', async () => {
    const ns = await createNamespace(admin, 'global', `idh-${uid()}`);
    const host = `idh-${uid()}.example.com`;
    const email = `李雷-${uid()}@例え.example`;
    const groups = ['eng,ops', 'Ünïcode', 'line\r\nX-Injected: 1'];
    const { id } = await createDirectoryUser(admin, { id: `li-${uid()}`, email, name: '', groups });
    const { token } = await account(ns.id, { kind: 'impersonate', userId: undefined, directoryUserId: id });
    await newGuardedRoute(admin, ns.id, `https://${host}`, PUBLIC);
    const res = await verifyAs('forward-auth', {
      ...pomerium(token),
      ...forwardedRequest(host, '/'),
    });
    expect(res.status).toBe(200);
    expect(decodeURIComponent(res.headers.get('x-pomerium-claim-email')!)).toBe(email);
    expect(JSON.parse(decodeURIComponent(res.headers.get('x-pomerium-claim-groups')!))).toEqual(groups);
    expect(res.headers.get('x-injected')).toBeNull();
    expect(res.body).toMatchObject({ email, groups });
  });
});

describe('a client cannot pass identity headers of its own through a proxy', () => {
  // Traefik (authResponseHeaders) and Caddy (copy_headers) overwrite only the headers the
  // answer has: an answer lacking one would let the client's copy reach the upstream.
  const forged = {
    'x-pomerium-claim-sub': 'admin',
    'x-pomerium-service-account-id': 'forged',
    'x-pomerium-claim-email': 'ceo@corp.example',
    'x-pomerium-claim-groups': '["admins"]',
    'x-pomerium-jwt-assertion': 'forged',
  };
  const names = Object.keys(forged);

  it('a public route answers every identity header, empty', async () => {
    const ns = await createNamespace(admin, 'global', `pub-${uid()}`);
    const host = `pub-${uid()}.example.com`;
    await newGuardedRoute(admin, ns.id, `https://${host}`, PUBLIC);
    const res = await verifyAs('forward-auth', { ...forged, ...forwardedRequest(host, '/') });
    expect(res.status).toBe(200);
    for (const h of names) expect(res.headers.get(h), h).toBe('');
  });

  it('an account without email or groups answers those headers empty, the rest with its own values', async () => {
    const ns = await createNamespace(admin, 'global', `noid-${uid()}`);
    const host = `noid-${uid()}.example.com`;
    const { token, account: a } = await account(ns.id);
    await newGuardedRoute(admin, ns.id, `https://${host}`, PUBLIC);
    const res = await verifyAs('forward-auth', { ...forged, ...pomerium(token), ...forwardedRequest(host, '/') });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-pomerium-claim-email')).toBe('');
    expect(res.headers.get('x-pomerium-claim-groups')).toBe('');
    expect(res.headers.get('x-pomerium-claim-sub')).toBe(a.userId);
    expect(res.headers.get('x-pomerium-service-account-id')).toBe(a.id);
    expect(res.headers.get('x-pomerium-jwt-assertion')).toMatch(/^ey/);
  });
});

describe('routes may not nest across namespaces', () => {
  it('refuses an inner route in a sibling namespace, either way round, and names only what the caller may see', async () => {
    const a = await createNamespace(admin, 'global', `nest-a-${uid()}`);
    const b = await createNamespace(admin, 'global', `nest-b-${uid()}`);
    const bChild = await createNamespace(admin, b.id, `nest-bc-${uid()}`);
    const host = `payments-${uid()}.internal`;
    const managerA = await makeUserWithRole(a.id, 'manager');
    const outer = await route(admin, b.id, `https://${host}/`);
    const prisma = await getPrisma();
    const before = await prisma.route.count({ where: { host } });

    const err = await failure(route(managerA, a.id, `https://${host}/api`));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/a route in a namespace you cannot see/);
    expect(err.message).not.toContain(b.name);
    expect(err.fieldErrors?.from?.[0]).toBeTruthy();
    // An admin who can see it is told which route.
    expect((await failure(route(admin, a.id, `https://${host}/api`))).message).toContain(b.name);
    // The other way round: an outer route over another namespace's inner route.
    const inner = await route(admin, bChild.id, `https://${host}/v2/x`);
    expect((await failure(route(admin, a.id, `https://${host}/v2`))).code).toBe('conflict');
    expect(await prisma.route.count({ where: { host } })).toBe(before + 1);

    // Allowed: the namespace itself or a descendant inside, and a prefix on a different segment.
    await route(admin, b.id, `https://${host}/v2`);
    await route(admin, bChild.id, `https://${host}/v2/x/y`);
    expect(inner.id).toBeTruthy();
    expect(outer.id).toBeTruthy();
  });

  it("an update that would move a route inside another namespace's prefix is refused", async () => {
    const a = await createNamespace(admin, 'global', `nest-u-${uid()}`);
    const b = await createNamespace(admin, 'global', `nest-v-${uid()}`);
    const host = `upd-${uid()}.internal`;
    await route(admin, b.id, `https://${host}/api`);
    const mine = await route(admin, a.id, `https://other-${host}/api`);
    const err = await failure(updateRoute(admin, mine.id, routeInput(`https://${host}/api/v1`, [], { name: 'moved' })));
    expect(err.code).toBe('conflict');
    expect((await listRoutes(admin, a.id)).map((r) => r.from)).toEqual([`https://other-${host}/api`]);
  });

  it('parallel creates on one host cannot both slip past the check', async () => {
    const a = await createNamespace(admin, 'global', `race-a-${uid()}`);
    const b = await createNamespace(admin, 'global', `race-b-${uid()}`);
    const host = `race-${uid()}.internal`;
    const results = await Promise.allSettled([
      route(admin, a.id, `https://${host}/`),
      route(admin, b.id, `https://${host}/api`),
    ]);
    const rows = await (await getPrisma()).route.findMany({ where: { host }, select: { namespaceId: true } });
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(rows.length);
    expect(new Set(rows.map((r) => r.namespaceId)).size).toBeLessThanOrEqual(1);
  });
});

describe('no stale cache fill', () => {
  it('a revoke that lands while an account load is in flight is honoured', async () => {
    const { token, account: sa } = await account('global');
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let loads = 0;
    // The first load reads the account (still active), then stalls until the revoke committed.
    const engine = new VerifyEngine({
      ...consoleEngineOptions,
      store: {
        ...store,
        loadAccountState: async (id) => {
          const state = await store.loadAccountState(id);
          if (++loads === 1) await gate;
          return state;
        },
      },
    });
    const racing = engine.check((n) => pomerium(token)[n as 'authorization'] ?? null);
    await new Promise((r) => setTimeout(r, 50));
    await revokeServiceAccount(admin, sa.id); // commits, then invalidates local caches
    release();
    expect(await racing).toMatchObject({ ok: false, error: 'revoked' });
    expect(await engine.check((n) => pomerium(token)[n as 'authorization'] ?? null)).toMatchObject({
      ok: false,
      error: 'revoked',
    });
    engine.close();
  });
});
