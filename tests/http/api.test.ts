// The REST API over real HTTP against the production build: a pipeline's path end to end
// (API key → namespace → service account whose JWT verifies → policy → route → history),
// the OpenAPI document, problem+json on the wire, and a service account calling with its JWT.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Actor } from '@/lib/dal/actor';
import { createApiKey } from '@/lib/dal/api-keys';
import { addGrant } from '@/lib/dal/grants';
import { makeAdmin } from '../support/actors';
import { uid } from '../support/helpers';
import { startServer, type RunningServer } from '../support/server';

let admin: Actor;
let server: RunningServer;
let key: string;

beforeAll(async () => {
  admin = await makeAdmin();
  key = (await createApiKey(admin, { name: `http-${uid()}`, roleCap: 'admin' })).key;
  server = await startServer({ DATABASE_URL: process.env.DATABASE_URL, SECRET_KEY: process.env.SECRET_KEY });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const call = (
  path: string,
  init: { method?: string; body?: unknown; credential?: string | null; headers?: Record<string, string> } = {},
) =>
  fetch(`${server.url}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.credential === null ? {} : { authorization: `Bearer ${init.credential ?? key}` }),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });

describe('REST API over HTTP', () => {
  it('serves the OpenAPI document publicly', async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; servers: { url: string }[]; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/service-accounts');
  });

  it('answers 401 problem+json without a credential, and ignores a session cookie', async () => {
    const res = await call('/namespaces', { credential: null, headers: { cookie: 'next-auth.session-token=x' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await res.json()).toMatchObject({ type: 'https://postern.dev/problems/unauthorized', status: 401 });
  });

  it('a pipeline creates a namespace, an account whose JWT verifies, a policy and a route; the history names the key', async () => {
    const ns = await call('/namespaces', { method: 'POST', body: { parentId: 'global', name: `ci-${uid()}` } });
    expect(ns.status).toBe(201);
    expect(ns.headers.get('etag')).toMatch(/^"/);
    expect(ns.headers.get('cache-control')).toBe('no-store');
    const { id: namespaceId, path } = (await ns.json()) as { id: string; path: string };
    const found = (await (await call(`/namespaces?path=${encodeURIComponent(path)}`)).json()) as {
      items: { id: string }[];
    };
    expect(found.items.map((n) => n.id)).toEqual([namespaceId]);

    const userId = `deploy-${uid()}`;
    const sa = await call('/service-accounts', {
      method: 'POST',
      body: { namespaceId, kind: 'service', userId, expiration: '30' },
    });
    expect(sa.status).toBe(201);
    const { token, serviceAccount } = (await sa.json()) as { token: string; serviceAccount: { id: string } };
    const verified = await fetch(`${server.url}/api/v1/verify`, { headers: { authorization: `Pomerium ${token}` } });
    expect(verified.status).toBe(200);

    const policy = await call('/policies', {
      method: 'POST',
      body: {
        namespaceId,
        name: 'deployers',
        description: '',
        enforced: false,
        explanation: '',
        remediation: '',
        ppl: [{ allow: { or: [{ user: { is: userId } }] } }],
      },
    });
    expect(policy.status, await policy.clone().text()).toBe(201);
    const { id: policyId } = (await policy.json()) as { id: string };
    const route = await call('/routes', {
      method: 'POST',
      body: {
        namespaceId,
        name: 'api',
        from: `https://${uid()}.example.com`,
        to: 'http://127.0.0.1:9',
        policyIds: [policyId],
      },
    });
    expect(route.status).toBe(201);

    // The account gets a Viewer role and reads with its own JWT; it may not write.
    await addGrant(admin, {
      namespaceId,
      subjectType: 'service_account',
      serviceAccountId: serviceAccount.id,
      role: 'viewer',
    });
    const asAccount = await call(`/routes?namespaceId=${namespaceId}`, { credential: token });
    expect(asAccount.status).toBe(200);
    expect(((await asAccount.json()) as { items: unknown[] }).items).toHaveLength(1);
    const write = await call('/namespaces', {
      method: 'POST',
      credential: token,
      body: { parentId: namespaceId, name: 'x' },
    });
    expect(write.status).toBe(403);

    const history = (await (await call(`/history?namespaceId=${namespaceId}&limit=200`)).json()) as {
      items: { actor: string; entityType: string }[];
    };
    expect(history.items.map((e) => e.entityType).sort()).toEqual(
      expect.arrayContaining(['namespace', 'service_account', 'policy', 'route']),
    );
    for (const e of history.items.filter((x) => x.entityType !== 'grant'))
      expect(e.actor).toMatch(/^api-key:http-\w+ \(/);
    expect(server.logs()).not.toContain(token);
    expect(server.logs()).not.toContain(key);
  });
});
