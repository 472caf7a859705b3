import { describe, it, expect, beforeAll } from 'vitest';
import { createNamespace } from '@/lib/dal/namespaces';
import { createPolicy, deletePolicy, listPolicies, updatePolicy } from '@/lib/dal/policies';
import { deleteRoute, listRoutes } from '@/lib/dal/routes';
import { createDirectoryUser } from '@/lib/dal/directory';
import { policyFormSchema } from '@/lib/schemas/policy';
import { routeFormSchema } from '@/lib/schemas/route';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin } from './support/actors';
import { verifyAs, forwardedRequest } from './support/verify';
import { getPrisma } from '@/lib/db';
import { failure, uid } from './support/helpers';
import { newAccount, newPolicy, newRoute, policyInput } from './support/builders';

let admin: Actor;
beforeAll(async () => {
  admin = await makeAdmin();
});

const account = (namespaceId: string, over: Record<string, unknown> = {}) => newAccount(admin, namespaceId, over);
const policy = (namespaceId: string, ppl: string, over: Record<string, unknown> = {}) =>
  newPolicy(admin, namespaceId, ppl, over);
const route = (namespaceId: string, from: string, policyIds: string[] = []) =>
  newRoute(admin, namespaceId, from, policyIds);
const traefik = (token: string | null, host: string, uri: string, method = 'GET') =>
  verifyAs('forward-auth', {
    ...(token ? { authorization: `Pomerium ${token}` } : {}),
    'x-forwarded-host': host,
    'x-forwarded-proto': 'https',
    'x-forwarded-uri': uri,
    'x-forwarded-method': method,
  });

describe('policy enforcement at the verify endpoint', () => {
  it('an account in a parent namespace may use a child route; one in the child may not use the parent route', async () => {
    const parent = await createNamespace(admin, 'global', `parent-${uid()}`);
    const child = await createNamespace(admin, parent.id, 'child');
    const host = `scope-${uid()}.example.com`;
    const open = await policy(parent.id, 'allow:\n  or:\n    - authenticated_user: true\n');
    await route(parent.id, `https://${host}/parent`, [open.id]);
    await route(child.id, `https://${host}/child`, [open.id]);
    const up = await account(parent.id);
    const down = await account(child.id);
    expect((await traefik(up.token, host, '/child/x')).status).toBe(200);
    expect((await traefik(up.token, host, '/parent')).status).toBe(200);
    const refused = await traefik(down.token, host, '/parent/x');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'forbidden' });
    expect((await traefik(down.token, host, '/child')).status).toBe(200);
  });

  it('an enforced ancestor policy applies to a route that did not pick it, with its explanation', async () => {
    const ns = await createNamespace(admin, 'global', `enforced-${uid()}`);
    const sub = await createNamespace(admin, ns.id, 'team');
    await policy(ns.id, 'deny:\n  or:\n    - http_path:\n        starts_with: /admin\n', {
      enforced: true,
      explanation: 'Admin paths are closed.',
      remediation: 'Use the public API.',
    });
    const host = `enf-${uid()}.example.com`;
    const mine = await policy(sub.id, 'allow:\n  or:\n    - http_method:\n        in: [GET, HEAD]\n');
    await route(sub.id, `https://${host}`, [mine.id]);
    const { token } = await account(ns.id);
    expect((await traefik(token, host, '/api/things')).status).toBe(200);
    expect((await traefik(token, host, '/api/things', 'POST')).status).toBe(403);
    const denied = await traefik(token, host, '/admin/users');
    expect(denied).toMatchObject({
      status: 403,
      body: { error: 'forbidden', explanation: 'Admin paths are closed.', remediation: 'Use the public API.' },
    });
    const routes = await listRoutes(admin, sub.id);
    expect(routes[0]?.enforced.map((p) => p.namespaceName)).toContain(ns.name);
  });

  it('a policy change takes effect on the next request', async () => {
    const ns = await createNamespace(admin, 'global', `change-${uid()}`);
    const host = `chg-${uid()}.example.com`;
    const { token, account: sa } = await account(ns.id);
    const p = await policy(ns.id, `allow:\n  or:\n    - user:\n        is: ${sa.userId}\n`);
    await route(ns.id, `https://${host}`, [p.id]);
    expect((await traefik(token, host, '/')).status).toBe(200);
    await updatePolicy(
      admin,
      p.id,
      policyInput('allow:\n  or:\n    - user:\n        is: someone-else\n', {
        name: 'renamed',
        explanation: 'Only the other bot.',
      }),
    );
    expect(await traefik(token, host, '/')).toMatchObject({
      status: 403,
      body: { explanation: 'Only the other bot.' },
    });
  });

  it('answers no_route for unknown hosts, 401 before policies, and lets public routes through without a token', async () => {
    const ns = await createNamespace(admin, 'global', `pub-${uid()}`);
    const { token } = await account(ns.id);
    expect(await traefik(token, `nowhere-${uid()}.example.com`, '/')).toMatchObject({
      status: 403,
      body: { error: 'no_route' },
    });
    const host = `pub-${uid()}.example.com`;
    const pub = await policy(ns.id, 'allow:\n  or:\n    - accept: true\n');
    await route(ns.id, `https://${host}/status`, [pub.id]);
    expect((await traefik(null, host, '/status')).status).toBe(200);
    expect(await traefik('garbage', host, '/status')).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    const closedHost = `closed-${uid()}.example.com`;
    await route(ns.id, `https://${closedHost}`);
    expect(await traefik(null, closedHost, '/')).toMatchObject({ status: 401, body: { error: 'missing_token' } });
    // A route without any policy allows nobody.
    expect((await traefik(token, closedHost, '/')).status).toBe(403);
  });

  it('reads nginx, Caddy and Envoy descriptions of the request; longest prefix wins', async () => {
    const ns = await createNamespace(admin, 'global', `proxy-${uid()}`);
    const host = `px-${uid()}.example.com`;
    const { token, account: sa } = await account(ns.id);
    const all = await policy(ns.id, 'allow:\n  or:\n    - authenticated_user: true\n');
    const none = await policy(ns.id, `allow:\n  or:\n    - user:\n        is: not-${sa.userId}\n`);
    await route(ns.id, `https://${host}`, [all.id]);
    await route(ns.id, `https://${host}/private`, [none.id]);
    const auth = { authorization: `Bearer Pomerium-${token}` };
    expect(
      (
        await verifyAs('auth-request', {
          ...auth,
          'x-original-url': `https://${host}/public?q=1`,
          'x-original-method': 'GET',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await verifyAs('auth-request', {
          ...auth,
          'x-original-url': `https://${host}/private/doc`,
          'x-original-method': 'GET',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await verifyAs('forward-auth', {
          ...auth,
          ...forwardedRequest(host, '/privateer'),
        })
      ).status,
    ).toBe(200);
    expect((await verifyAs('ext-authz', { ...auth, host }, { path: '/private/x' })).status).toBe(403);
    expect((await verifyAs('ext-authz', { ...auth, host }, { path: '/privateer?x=1' })).status).toBe(200);
  });

  it('impersonating accounts are judged by the directory user email and groups', async () => {
    const ns = await createNamespace(admin, 'global', `imp-${uid()}`);
    const host = `imp-${uid()}.example.com`;
    await createDirectoryUser(admin, {
      id: `dave-${uid()}`,
      email: 'dave@corp.example',
      name: '',
      groups: ['sre'],
    }).then(async ({ id }) => {
      const p = await policy(
        ns.id,
        'allow:\n  and:\n    - groups:\n        has: sre\n    - domain:\n        is: corp.example\n',
      );
      await route(ns.id, `https://${host}`, [p.id]);
      const { token } = await account(ns.id, { kind: 'impersonate', userId: undefined, directoryUserId: id });
      expect((await traefik(token, host, '/')).status).toBe(200);
      const { token: plain } = await account(ns.id);
      expect((await traefik(plain, host, '/')).status).toBe(403);
    });
  });
});

describe('routes and policies: bad input', () => {
  it('refuses From URLs that are not https or carry a query, and duplicates', async () => {
    for (const [from, msg] of [
      ['http://a.example.com', /https/],
      ['https://a.example.com/x?y=1', /query/],
      ['not a url', /full URL/],
    ] as const) {
      const r = routeFormSchema.safeParse({ name: 'x', from, to: 'http://up' });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.message).toMatch(msg);
    }
    const host = `dup-${uid()}.example.com`;
    await route('global', `https://${host}/api/`);
    const err = await failure(route('global', `https://${host.toUpperCase()}/api`));
    expect(err.fieldErrors?.from?.[0]).toMatch(/already served/);
    await expect(route('global', `https://${host}/api/v2`)).resolves.toBeTruthy();
  });

  it('refuses YAML that is not PPL, alias bombs and 10 MB of text, quickly and clearly', () => {
    const bad = (ppl: string) => {
      const r = policyFormSchema.safeParse({
        name: 'x',
        description: '',
        enforced: false,
        explanation: '',
        remediation: '',
        ppl,
      });
      expect(r.success).toBe(false);
      return r.error!.issues[0]!.message;
    };
    expect(bad('just a string')).toBeTruthy();
    expect(bad('allow:\n  and:\n    - http_method:\n        equals: GET\n')).toMatch(
      /allow\.and\[0\]\.http_method: unknown matcher "equals"/,
    );
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 12 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    expect(bad(bomb)).toBeTruthy();
    expect(bad(`allow:\n  or:\n${'    - accept: true\n'.repeat(600_000)}`)).toMatch(/too long|256 KB/);
  });

  it('refuses deleting a policy that routes use, and keeps it', async () => {
    const p = await policy('global', 'allow:\n  or:\n    - accept: true\n');
    const r = await route('global', `https://del-${uid()}.example.com`, [p.id]);
    expect((await failure(deletePolicy(admin, p.id))).message).toMatch(/1 route uses this policy/);
    await deleteRoute(admin, r.id);
    await deletePolicy(admin, p.id);
  });

  it('flags a policy that names a revoked or unknown account', async () => {
    const ns = await createNamespace(admin, 'global', `ref-${uid()}`);
    await policy(ns.id, 'allow:\n  or:\n    - user:\n        is: ghost-account\n');
    const [p] = await listPolicies(admin, ns.id);
    expect(p?.unknownUsers).toEqual(['ghost-account']);
  });
});

describe('size limits after YAML alias expansion', () => {
  it('refuses a short policy whose aliases expand past 256 KB, and records nothing', async () => {
    const ns = await createNamespace(admin, 'global', `alias-${uid()}`);
    const big = Array.from({ length: 900 }, (_, i) => `user-${i}-${'x'.repeat(60)}`);
    // ~65 KB of text; 9 aliases of the same list expand to ~600 KB.
    const ppl = `allow:\n  or:\n    - user:\n        in: &u [${big.join(', ')}]\n${Array.from({ length: 9 }, () => '    - user:\n        in: *u\n').join('')}`;
    expect(ppl.length).toBeGreaterThan(60 * 1024);
    expect(ppl.length).toBeLessThan(128 * 1024);
    const values = { name: 'aliases', description: '', enforced: false, explanation: '', remediation: '', ppl };
    const parsed = policyFormSchema.safeParse(values);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/aliases expanded.*at most 256 KB/);
    const prisma = await getPrisma();
    const history = await prisma.auditEvent.count();
    const err = await failure(createPolicy(admin, ns.id, values));
    expect(err.code).toBe('invalid');
    expect(await prisma.auditEvent.count()).toBe(history);
  });

  it('no Change History entry exceeds 256 KB, even for two policies near the limit', async () => {
    const ns = await createNamespace(admin, 'global', `hist-${uid()}`);
    const values1000 = (tag: string) =>
      `[${Array.from({ length: 1000 }, (_, i) => `${tag}-${i}-${'y'.repeat(60)}`).join(', ')}]`;
    const list = (tag: string) =>
      `allow:\n  or:\n    - user:\n        in: ${values1000(`${tag}1`)}\n    - user:\n        in: ${values1000(`${tag}2`)}\n`;
    const values = (ppl: string) => policyInput(ppl, { name: `big-${uid()}` });
    const p = await createPolicy(admin, ns.id, values(list('a')));
    await updatePolicy(admin, p.id, values(list('b')));
    const prisma = await getPrisma();
    const rows = await prisma.auditEvent.findMany({ where: { entityId: p.id }, select: { before: true, after: true } });
    expect(rows).toHaveLength(2);
    for (const r of rows)
      expect(Buffer.byteLength(JSON.stringify([r.before, r.after]))).toBeLessThanOrEqual(256 * 1024);
    const update = rows.find((r) => r.before)!;
    expect(JSON.stringify(update)).toMatch(/truncated in the history: \d+ bytes in all/);
  });
});
