// The role matrix through the REST API: Viewer, Manager and Admin of a namespace, each with
// an API key of their own role, × every endpoint × their own namespace and a sibling. A
// refused call answers 403 problem+json and changes nothing; an allowed one answers 2xx.
import { describe, it, expect, beforeAll } from 'vitest';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import type { Role } from '@/lib/dal/authz';
import { createNamespace } from '@/lib/dal/namespaces';
import { makeAdmin, makeUserWithRole } from './support/actors';
import { uid } from './support/helpers';
import { newAccount, newPolicy, newRoute } from './support/builders';
import { api, apiCall, apiKeyOf, type ApiAnswer } from './support/api';

let root: Actor;
let tree: { own: string; sibling: string };
const keys = {} as Record<Role, string>;
const PPL = 'allow:\n  or:\n    - authenticated_user: true\n';
const RANK = { viewer: 1, manager: 2, admin: 3 } as const;

beforeAll(async () => {
  root = await makeAdmin();
  const own = await createNamespace(root, 'global', 'Team');
  const sibling = await createNamespace(root, 'global', 'Sibling');
  tree = { own: own.id, sibling: sibling.id };
  for (const role of ['viewer', 'manager', 'admin'] as const)
    keys[role] = (await apiKeyOf(await makeUserWithRole(own.id, role), role)).key;
});

async function fixtures(where: string) {
  const prisma = await getPrisma();
  const empty = await createNamespace(root, where, `empty-${uid()}`);
  const account = await newAccount(root, where);
  const policy = await newPolicy(root, where, PPL);
  const route = await newRoute(root, where, `https://${uid()}.example.com`);
  const someone = await prisma.user.create({ data: { email: `member-${uid()}@example.com` } });
  const grant = await prisma.grant.create({ data: { namespaceId: where, role: 'viewer', userId: someone.id } });
  return {
    where,
    empty: empty.id,
    account: account.account.id,
    policy: policy.id,
    route: route.id,
    grant: grant.id,
    someone: someone.email,
  };
}
type Fx = Awaited<ReturnType<typeof fixtures>>;
type Call = (key: string, fx: Fx) => Promise<ApiAnswer>;

const ENDPOINTS: Record<string, { need: Role; call: Call }> = {
  'GET /namespaces/{id}': {
    need: 'viewer',
    call: async (key, fx) =>
      apiCall((await api.namespace()).GET, {
        path: `/namespaces/${fx.where}`,
        credential: key,
        params: { id: fx.where },
      }),
  },
  'POST /namespaces': {
    need: 'manager',
    call: async (key, fx) =>
      apiCall((await api.namespaces()).POST, {
        method: 'POST',
        path: '/namespaces',
        credential: key,
        body: { parentId: fx.where, name: `n-${uid()}` },
      }),
  },
  'PATCH /namespaces/{id}': {
    need: 'manager',
    call: async (key, fx) =>
      apiCall((await api.namespace()).PATCH, {
        method: 'PATCH',
        path: `/namespaces/${fx.empty}`,
        credential: key,
        params: { id: fx.empty },
        body: { name: `r-${uid()}` },
      }),
  },
  'DELETE /namespaces/{id}': {
    need: 'manager',
    call: async (key, fx) =>
      apiCall((await api.namespace()).DELETE, {
        method: 'DELETE',
        path: `/namespaces/${fx.empty}`,
        credential: key,
        params: { id: fx.empty },
      }),
  },
  'GET /service-accounts': {
    need: 'viewer',
    call: async (key, fx) =>
      apiCall((await api.serviceAccounts()).GET, {
        path: `/service-accounts?namespaceId=${fx.where}`,
        credential: key,
      }),
  },
  'POST /service-accounts': {
    need: 'manager',
    call: async (key, fx) =>
      apiCall((await api.serviceAccounts()).POST, {
        method: 'POST',
        path: '/service-accounts',
        credential: key,
        body: { namespaceId: fx.where, kind: 'service', userId: `api-${uid()}`, expiration: '30' },
      }),
  },
  'GET /service-accounts/{id}': {
    need: 'viewer',
    call: async (key, fx) =>
      apiCall((await api.serviceAccount()).GET, {
        path: `/service-accounts/${fx.account}`,
        credential: key,
        params: { id: fx.account },
      }),
  },
  'PATCH /service-accounts/{id}': {
    need: 'manager',
    call: async (key, fx) =>
      apiCall((await api.serviceAccount()).PATCH, {
        method: 'PATCH',
        path: `/service-accounts/${fx.account}`,
        credential: key,
        params: { id: fx.account },
        body: { description: 'changed', disabled: true },
      }),
  },
  'POST /service-accounts/{id}/revoke': {
    need: 'manager',
    call: async (key, fx) =>
      apiCall((await api.revoke()).POST, {
        method: 'POST',
        path: `/service-accounts/${fx.account}/revoke`,
        credential: key,
        params: { id: fx.account },
      }),
  },
  'POST /service-accounts/{id}/rotate': {
    need: 'manager',
    call: async (key, fx) =>
      apiCall((await api.rotate()).POST, {
        method: 'POST',
        path: `/service-accounts/${fx.account}/rotate`,
        credential: key,
        params: { id: fx.account },
        body: { grace: '1h', expiration: '30' },
      }),
  },
  'GET /routes': {
    need: 'viewer',
    call: async (key, fx) =>
      apiCall((await api.routes()).GET, { path: `/routes?namespaceId=${fx.where}`, credential: key }),
  },
  'POST /routes': {
    need: 'manager',
    call: async (key, fx) =>
      apiCall((await api.routes()).POST, {
        method: 'POST',
        path: '/routes',
        credential: key,
        body: {
          namespaceId: fx.where,
          name: 'r',
          from: `https://${uid()}.example.com`,
          to: 'http://up:1',
          policyIds: [],
        },
      }),
  },
  'GET /routes/{id}': {
    need: 'viewer',
    call: async (key, fx) =>
      apiCall((await api.route()).GET, { path: `/routes/${fx.route}`, credential: key, params: { id: fx.route } }),
  },
  'PATCH /routes/{id}': {
    need: 'manager',
    call: async (key, fx) =>
      apiCall((await api.route()).PATCH, {
        method: 'PATCH',
        path: `/routes/${fx.route}`,
        credential: key,
        params: { id: fx.route },
        body: { name: 'renamed' },
      }),
  },
  'DELETE /routes/{id}': {
    need: 'manager',
    call: async (key, fx) =>
      apiCall((await api.route()).DELETE, {
        method: 'DELETE',
        path: `/routes/${fx.route}`,
        credential: key,
        params: { id: fx.route },
      }),
  },
  'GET /policies': {
    need: 'viewer',
    call: async (key, fx) =>
      apiCall((await api.policies()).GET, { path: `/policies?namespaceId=${fx.where}`, credential: key }),
  },
  'POST /policies': {
    need: 'manager',
    call: async (key, fx) =>
      apiCall((await api.policies()).POST, {
        method: 'POST',
        path: '/policies',
        credential: key,
        body: {
          namespaceId: fx.where,
          name: `p-${uid()}`,
          description: '',
          enforced: false,
          explanation: '',
          remediation: '',
          ppl: PPL,
        },
      }),
  },
  'GET /policies/{id}': {
    need: 'viewer',
    call: async (key, fx) =>
      apiCall((await api.policy()).GET, { path: `/policies/${fx.policy}`, credential: key, params: { id: fx.policy } }),
  },
  'PATCH /policies/{id}': {
    need: 'manager',
    call: async (key, fx) =>
      apiCall((await api.policy()).PATCH, {
        method: 'PATCH',
        path: `/policies/${fx.policy}`,
        credential: key,
        params: { id: fx.policy },
        body: { enforced: true },
      }),
  },
  'DELETE /policies/{id}': {
    need: 'manager',
    call: async (key, fx) =>
      apiCall((await api.policy()).DELETE, {
        method: 'DELETE',
        path: `/policies/${fx.policy}`,
        credential: key,
        params: { id: fx.policy },
      }),
  },
  'GET /grants': {
    need: 'viewer',
    call: async (key, fx) =>
      apiCall((await api.grants()).GET, { path: `/grants?namespaceId=${fx.where}`, credential: key }),
  },
  'POST /grants': {
    need: 'admin',
    call: async (key, fx) =>
      apiCall((await api.grants()).POST, {
        method: 'POST',
        path: '/grants',
        credential: key,
        body: { namespaceId: fx.where, subjectType: 'user', subject: fx.someone, role: 'manager' },
      }),
  },
  'DELETE /grants/{id}': {
    need: 'admin',
    call: async (key, fx) =>
      apiCall((await api.grant()).DELETE, {
        method: 'DELETE',
        path: `/grants/${fx.grant}`,
        credential: key,
        params: { id: fx.grant },
      }),
  },
  'GET /history?namespaceId=': {
    need: 'viewer',
    call: async (key, fx) =>
      apiCall((await api.history()).GET, { path: `/history?namespaceId=${fx.where}`, credential: key }),
  },
};

async function snapshot() {
  const prisma = await getPrisma();
  const [n, s, p, r, g, a] = await Promise.all([
    prisma.namespace.findMany({ orderBy: { id: 'asc' } }),
    prisma.serviceAccount.findMany({ orderBy: { id: 'asc' } }),
    prisma.policy.findMany({ orderBy: { id: 'asc' } }),
    prisma.route.findMany({ orderBy: { id: 'asc' } }),
    prisma.grant.findMany({ orderBy: { id: 'asc' } }),
    prisma.auditEvent.count(),
  ]);
  return JSON.stringify({ n, s, p, r, g, a });
}

describe.each(['viewer', 'manager', 'admin'] as const)('%s of Team, with an API key', (role) => {
  for (const target of ['own', 'sibling'] as const) {
    for (const [name, e] of Object.entries(ENDPOINTS)) {
      const allowed = target === 'own' && RANK[role] >= RANK[e.need];
      it(`${allowed ? 'may' : 'may not'} ${name} in the ${target} namespace`, async () => {
        const fx = await fixtures(tree[target]);
        const before = await snapshot();
        const res = await e.call(keys[role], fx);
        if (allowed) {
          expect(res.status, res.text).toBeGreaterThanOrEqual(200);
          expect(res.status, res.text).toBeLessThan(300);
          if (name.startsWith('GET')) expect(res.headers.get('cache-control')).toBe('no-store');
        } else {
          expect(res.status, res.text).toBe(403);
          expect(res.headers.get('content-type')).toBe('application/problem+json');
          expect(res.body).toMatchObject({ type: 'https://postern.dev/problems/forbidden', status: 403 });
          expect(await snapshot()).toBe(before);
        }
      });
    }
  }

  it('may read the directory, its own API keys, and the namespaces it holds a role on', async () => {
    const ns = await apiCall((await api.namespaces()).GET, { path: '/namespaces?limit=200', credential: keys[role] });
    expect(ns.status).toBe(200);
    const ids = ns.body.items.map((n: { id: string }) => n.id);
    expect(ids).toContain(tree.own);
    expect(ids).not.toContain(tree.sibling);
    expect(ids).not.toContain('global');
    for (const h of [api.directoryUsers, api.directoryGroups, api.apiKeys])
      expect((await apiCall((await h()).GET, { path: '/x', credential: keys[role] })).status).toBe(200);
  });
});
