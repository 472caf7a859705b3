// Import and export of Pomerium route files against a real database, decided through the
// verify endpoints as a proxy would ask.
import { describe, it, expect, beforeAll } from 'vitest';
import { createNamespace } from '@/lib/dal/namespaces';
import { listPolicies } from '@/lib/dal/policies';
import { deleteRoute, listRoutes } from '@/lib/dal/routes';
import { exportPomeriumFile, importPomeriumRoutes, previewPomeriumImport } from '@/lib/dal/route-import';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin, makeUserWithRole } from './support/actors';
import { verifyAs, forwardedRequest } from './support/verify';
import { forwarded, makeTestPki } from './support/certs';
import { getPrisma } from '@/lib/db';
import { failure, uid } from './support/helpers';
import { newAccount, newPolicy } from './support/builders';

let admin: Actor;
beforeAll(async () => {
  admin = await makeAdmin();
});
const traefik = (token: string | null, host: string, uri = '/', extra: Record<string, string> = {}) =>
  verifyAs('forward-auth', {
    ...(token ? { authorization: `Pomerium ${token}` } : {}),
    ...forwardedRequest(host, uri),
    ...extra,
  });

describe('import from Pomerium', () => {
  it('previews without writing, then creates routes and policies in one go, recorded in the history', async () => {
    const ns = await createNamespace(admin, 'global', `imp-${uid()}`);
    const [a, b] = [`a-${uid()}.example.com`, `b-${uid()}.example.com`];
    const {
      account: { userId },
      token,
    } = await newAccount(admin, ns.id);
    const sa = { token };
    const file = `routes:
  - from: https://${a}
    to: http://127.0.0.1:9
    allowed_users: [${userId}]
    timeout: 10s
  - name: B
    from: https://${b}
    prefix: /api
    to: http://127.0.0.1:9
    policy:
      - allow:
          and:
            - user: {is: ${userId}}
            - http_method: {in: [GET]}
      - deny:
          or:
            - http_path: {starts_with: /api/admin}
  - from: tcp+https://db.example.com:5432
    to: tcp://db:5432
`;
    const preview = await previewPomeriumImport(admin, ns.id, file);
    expect(preview.ready).toBe(true);
    expect(preview.routes.map((r) => r.from)).toEqual([`https://${a}`, `https://${b}/api`]);
    expect(preview.routes[0]!.ignored).toEqual(['timeout']);
    expect(preview.skipped).toHaveLength(1);
    expect(await listRoutes(admin, ns.id)).toEqual([]);

    const before = await (await getPrisma()).auditEvent.count({ where: { namespaceId: ns.id } });
    expect(await importPomeriumRoutes(admin, ns.id, file)).toEqual({ routes: 2, policies: 2 });
    expect((await listRoutes(admin, ns.id)).map((r) => r.from).sort()).toEqual(
      [`https://${a}`, `https://${b}/api`].sort(),
    );
    expect(await (await getPrisma()).auditEvent.count({ where: { namespaceId: ns.id } })).toBe(before + 4);

    expect((await traefik(sa.token, a)).status).toBe(200);
    expect((await traefik(sa.token, b, '/api/x')).status).toBe(200);
    expect((await traefik(sa.token, b, '/api/admin/x')).status).toBe(403);
    expect((await traefik(null, a)).status).toBe(401);
  });

  it('lists conflicts with existing routes and writes nothing', async () => {
    const ns = await createNamespace(admin, 'global', `imp-${uid()}`);
    const host = `c-${uid()}.example.com`;
    const file = `routes:\n  - from: https://${host}\n    to: http://x\n    allow_any_authenticated_user: true\n  - from: https://new-${host}\n    to: http://x\n`;
    await importPomeriumRoutes(admin, ns.id, `routes:\n  - from: https://${host}\n    to: http://x\n`);
    const policiesBefore = (await listPolicies(admin, ns.id)).length;
    const preview = await previewPomeriumImport(admin, ns.id, file);
    expect(preview.ready).toBe(false);
    expect(preview.routes[0]!.conflict).toMatch(/already served by route/);
    expect(preview.routes[1]!.conflict).toBeNull();
    const err = await failure(importPomeriumRoutes(admin, ns.id, file));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/^Nothing was imported/);
    expect((await listRoutes(admin, ns.id)).map((r) => r.host)).toEqual([host]);
    expect((await listPolicies(admin, ns.id)).length).toBe(policiesBefore);
  });

  it('refuses viewers and unreadable files in plain words', async () => {
    const ns = await createNamespace(admin, 'global', `imp-${uid()}`);
    const viewer = await makeUserWithRole(ns.id, 'viewer');
    expect((await failure(previewPomeriumImport(viewer, ns.id, 'routes: []'))).code).toBe('forbidden');
    expect((await failure(previewPomeriumImport(admin, ns.id, 'routes: ['))).message).toMatch(/not valid YAML/);
  });
});

describe('export to Pomerium', () => {
  it('import(export(ns)) recreates the same routes and policies, enforced ones included', async () => {
    const parent = await createNamespace(admin, 'global', `exp-${uid()}`);
    const ns = await createNamespace(admin, parent.id, 'child');
    const host = `e-${uid()}.example.com`;
    await newPolicy(admin, parent.id, 'deny:\n  or:\n    - http_path: {starts_with: /admin}\n', {
      name: 'No admin',
      enforced: true,
    });
    await importPomeriumRoutes(
      admin,
      ns.id,
      `routes:
  - name: api
    from: https://${host}
    prefix: /v1
    to: [http://127.0.0.1:9]
    policy: {allow: {or: [{user: {is: ci}}]}}
  - name: web
    from: https://${host}
    to: [http://127.0.0.1:9]
    allowed_domains: [corp.example]
`,
    );
    const snapshot = async () =>
      (await listRoutes(admin, ns.id)).map((r) => ({
        name: r.name,
        from: r.from,
        to: r.to,
        policies: r.policies.map((p) => p.name),
        enforced: r.enforced.map((p) => p.name),
      }));
    const policyTexts = async () =>
      Object.fromEntries(
        (await (await getPrisma()).policy.findMany({ where: { namespaceId: ns.id } })).map((p) => [
          p.name,
          [p.enforced, p.ppl],
        ]),
      );
    const before = await snapshot();
    const policiesBefore = await policyTexts();
    const file = await exportPomeriumFile(admin, ns.id);
    expect(file.notExported).toEqual([]);
    expect(file.text).toContain('# Postern policy "No admin" (enforced)');

    // Recreate in place: delete the routes and their own policies, then import the export.
    for (const r of await listRoutes(admin, ns.id)) await deleteRoute(admin, r.id);
    await (await getPrisma()).policy.deleteMany({ where: { namespaceId: ns.id } });
    const preview = await previewPomeriumImport(admin, ns.id, file.text);
    expect(preview.policies.find((p) => p.name === 'No admin')!.action).toBe('reuse');
    await importPomeriumRoutes(admin, ns.id, file.text);
    expect(await snapshot()).toEqual(before);
    expect(await policyTexts()).toEqual(policiesBefore);
  });

  it('lists a policy with a Postern extension as not exportable', async () => {
    const ns = await createNamespace(admin, 'global', `exp-${uid()}`);
    await importPomeriumRoutes(
      admin,
      ns.id,
      `from: https://tz-${uid()}.example.com\nto: http://x\npolicy:\n  allow: {or: [{day_of_week: {is: mon-fri, timezone: Europe/Paris}}]}\n`,
    );
    const file = await exportPomeriumFile(admin, ns.id);
    expect(file.notExported).toHaveLength(1);
    expect(file.notExported[0]!.reason).toMatch(/day_of_week time zone/);
    expect(file.text).toMatch(/# Not exported/);
  });
});

describe('client certificates at the verify endpoint', () => {
  const pki = makeTestPki();
  it("a route pinned to a certificate: nginx's header on auth-request only; token and certificate together", async () => {
    const ns = await createNamespace(admin, 'global', `mtls-${uid()}`);
    const host = `m-${uid()}.example.com`;
    const {
      account: { userId },
      token,
    } = await newAccount(admin, ns.id);
    const sa = { token };
    await importPomeriumRoutes(
      admin,
      ns.id,
      `from: https://${host}\nto: http://x\npolicy:\n  allow:\n    and:\n      - user: {is: ${userId}}\n      - client_certificate: {fingerprint: "${pki.client.fingerprintLong}"}\n`,
    );
    const nginx = (cert: string | null, header = 'x-client-cert') =>
      verifyAs('auth-request', {
        authorization: `Pomerium ${sa.token}`,
        'x-original-url': `https://${host}/`,
        'x-original-method': 'GET',
        ...(cert ? { [header]: cert } : {}),
      });
    expect((await nginx(forwarded.nginx(pki.client))).status).toBe(200);
    expect((await nginx(forwarded.nginx(pki.other))).status).toBe(403);
    expect((await nginx(null)).status).toBe(403);
    // Another proxy family's header is not read on this endpoint.
    expect((await nginx(forwarded.envoy(pki.client), 'x-forwarded-client-cert')).status).toBe(403);
    expect(
      (await traefik(sa.token, host, '/', { 'x-forwarded-tls-client-cert': forwarded.traefik(pki.client) })).status,
    ).toBe(200);
    expect((await traefik(sa.token, host, '/', { 'x-client-cert': forwarded.nginx(pki.client) })).status).toBe(403);
  });
});
