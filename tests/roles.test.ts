// The role matrix: Viewer, Manager, Admin × every mutation × their own namespace, a child
// of it and a sibling, through the server actions themselves (the public endpoints).
// Where a call is refused, nothing in the database may change.
import { describe, it, expect, vi, beforeAll } from 'vitest';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import type { Role } from '@/lib/dal/authz';
import { createNamespace } from '@/lib/dal/namespaces';
import { makeAdmin, makeUserWithRole } from './support/actors';
import { uid } from './support/helpers';
import { newAccount, newPolicy, newRoute } from './support/builders';

const session = vi.hoisted(() => ({ actor: null as unknown }));
vi.mock('@/lib/session', () => ({ getActor: async () => session.actor }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const ns = await import('@/lib/actions/namespaces');
const sa = await import('@/lib/actions/service-accounts');
const pol = await import('@/lib/actions/policies');
const rt = await import('@/lib/actions/routes');
const gr = await import('@/lib/actions/grants');
const keys = await import('@/lib/actions/signing-keys');

let root: Actor;
let tree: { own: string; child: string; sibling: string };
const actors = {} as Record<Role, Actor>;
const PPL = 'allow:\n  or:\n    - authenticated_user: true\n';

beforeAll(async () => {
  root = await makeAdmin();
  const own = await createNamespace(root, 'global', 'Team');
  const child = await createNamespace(root, own.id, 'Child');
  const sibling = await createNamespace(root, 'global', 'Sibling');
  tree = { own: own.id, child: child.id, sibling: sibling.id };
  for (const role of ['viewer', 'manager', 'admin'] as const) actors[role] = await makeUserWithRole(own.id, role);
});

/** Fresh things to act on in namespace `where`, made by the Global admin. */
async function fixtures(where: string) {
  const prisma = await getPrisma();
  const empty = await createNamespace(root, where, `empty-${uid()}`);
  const account = await newAccount(root, where);
  const policy = await newPolicy(root, where, PPL);
  const route = await newRoute(root, where, `https://${uid()}.example.com`);
  const someone = await prisma.user.create({ data: { email: `member-${uid()}@example.com` } });
  const grant = await prisma.grant.create({ data: { namespaceId: where, role: 'viewer', userId: someone.id } });
  return {
    empty: empty.id,
    account: account.account.id,
    policy: policy.id,
    route: route.id,
    grant: grant.id,
    someone: someone.email,
  };
}

type Fx = Awaited<ReturnType<typeof fixtures>>;
const MUTATIONS: Record<
  string,
  { need: Role; call: (where: string, fx: Fx) => Promise<{ ok: boolean; code?: string }> }
> = {
  'create namespace': { need: 'manager', call: (w) => ns.createNamespaceAction({ parentId: w, name: `n-${uid()}` }) },
  'rename namespace': {
    need: 'manager',
    call: (_w, fx) => ns.renameNamespaceAction({ id: fx.empty, name: `renamed-${uid()}` }),
  },
  'delete namespace': { need: 'manager', call: (_w, fx) => ns.deleteNamespaceAction({ id: fx.empty }) },
  'create service account': {
    need: 'manager',
    call: (w) =>
      sa.createServiceAccountAction({ namespaceId: w, kind: 'service', userId: `c-${uid()}`, expiration: 'never' }),
  },
  'edit service account': {
    need: 'manager',
    call: (_w, fx) => sa.updateServiceAccountAction({ id: fx.account, description: 'changed' }),
  },
  'disable service account': {
    need: 'manager',
    call: (_w, fx) => sa.setServiceAccountDisabledAction({ id: fx.account, disabled: true }),
  },
  'revoke service account': { need: 'manager', call: (_w, fx) => sa.revokeServiceAccountAction({ id: fx.account }) },
  'create policy': {
    need: 'manager',
    call: (w) =>
      pol.createPolicyAction({
        namespaceId: w,
        name: `p-${uid()}`,
        description: '',
        enforced: false,
        explanation: '',
        remediation: '',
        ppl: PPL,
      }),
  },
  'update policy': {
    need: 'manager',
    call: (_w, fx) =>
      pol.updatePolicyAction({
        id: fx.policy,
        name: `u-${uid()}`,
        description: '',
        enforced: true,
        explanation: '',
        remediation: '',
        ppl: PPL,
      }),
  },
  'delete policy': { need: 'manager', call: (_w, fx) => pol.deletePolicyAction({ id: fx.policy }) },
  'create route': {
    need: 'manager',
    call: (w) =>
      rt.createRouteAction({
        namespaceId: w,
        name: 'r',
        from: `https://${uid()}.example.com`,
        to: 'http://up:1',
        policyIds: [],
      }),
  },
  'update route': {
    need: 'manager',
    call: (_w, fx) =>
      rt.updateRouteAction({
        id: fx.route,
        name: 'changed',
        from: `https://${uid()}.example.com`,
        to: 'http://up:2',
        policyIds: [],
      }),
  },
  'delete route': { need: 'manager', call: (_w, fx) => rt.deleteRouteAction({ id: fx.route }) },
  'grant a role': {
    need: 'admin',
    call: (w, fx) => gr.addGrantAction({ namespaceId: w, subjectType: 'user', subject: fx.someone, role: 'manager' }),
  },
  'remove a grant': { need: 'admin', call: (_w, fx) => gr.removeGrantAction({ id: fx.grant }) },
};

const RANK = { viewer: 1, manager: 2, admin: 3 } as const;

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

describe.each(['viewer', 'manager', 'admin'] as const)('%s of Team', (role) => {
  for (const target of ['own', 'child', 'sibling'] as const) {
    for (const [name, m] of Object.entries(MUTATIONS)) {
      const allowed = target !== 'sibling' && RANK[role] >= RANK[m.need];
      it(`${allowed ? 'may' : 'may not'} ${name} in the ${target} namespace`, async () => {
        const where = tree[target];
        const fx = await fixtures(where);
        const before = await snapshot();
        session.actor = actors[role];
        // A successful delete answers with a redirect to the parent, as Next.js signals it.
        const res = await m
          .call(where, fx)
          .catch((e: { digest?: string }) =>
            e?.digest?.startsWith('NEXT_REDIRECT') ? { ok: true } : Promise.reject(e),
          );
        session.actor = null;
        if (allowed) {
          expect(res, JSON.stringify(res)).toMatchObject({ ok: true });
          expect(await snapshot()).not.toBe(before);
        } else {
          expect(res).toMatchObject({ ok: false, code: 'forbidden' });
          expect(await snapshot()).toBe(before);
        }
      });
    }
  }

  it('may not rotate signing keys (Admin of Global only)', async () => {
    const before = await snapshot();
    session.actor = actors[role];
    expect(await keys.rotateSigningKeyAction({})).toMatchObject({ ok: false, code: 'forbidden' });
    session.actor = null;
    expect(await snapshot()).toBe(before);
  });
});

describe('grants', () => {
  it('a group grant holds for console users in that directory group', async () => {
    const prisma = await getPrisma();
    await prisma.directoryUser.create({
      data: { id: `g-${uid()}`, email: 'grouped@example.com', groups: ['platform'] },
    });
    session.actor = root;
    expect(
      await gr.addGrantAction({ namespaceId: tree.child, subjectType: 'group', subject: 'platform', role: 'manager' }),
    ).toMatchObject({ ok: true });
    const member = {
      userId: (await prisma.user.create({ data: { email: 'grouped@example.com' } })).id,
      email: 'grouped@example.com',
      groups: ['platform'],
    };
    session.actor = member;
    expect(await ns.createNamespaceAction({ parentId: tree.child, name: 'by-group' })).toMatchObject({ ok: true });
    expect(await ns.createNamespaceAction({ parentId: tree.own, name: 'by-group' })).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    session.actor = null;
  });

  it('refuses a grant to a group that does not exist, and removing the last Admin of Global', async () => {
    const prisma = await getPrisma();
    session.actor = root;
    const res = await gr.addGrantAction({
      namespaceId: tree.own,
      subjectType: 'group',
      subject: 'no-such-group',
      role: 'viewer',
    });
    expect(res).toMatchObject({ ok: false, fieldErrors: { subject: ['No directory group has this name.'] } });
    const admins = await prisma.grant.findMany({
      where: { namespaceId: 'global', role: 'admin', userId: { not: null } },
    });
    expect(admins).toHaveLength(1);
    const removed = await gr.removeGrantAction({ id: admins[0]!.id });
    expect(removed).toMatchObject({ ok: false, code: 'conflict' });
    expect(removed.ok ? '' : removed.message).toMatch(/last Admin of Global/);
    const demoted = await gr.addGrantAction({
      namespaceId: 'global',
      subjectType: 'user',
      subject: root.email,
      role: 'viewer',
    });
    expect(demoted).toMatchObject({ ok: false, code: 'conflict' });
    expect(await prisma.grant.count({ where: { namespaceId: 'global', role: 'admin' } })).toBe(1);
    session.actor = null;
  });

  it('a manager cannot grant roles, even to themselves', async () => {
    session.actor = actors.manager;
    expect(
      await gr.addGrantAction({
        namespaceId: tree.own,
        subjectType: 'user',
        subject: actors.manager.email,
        role: 'admin',
      }),
    ).toMatchObject({ ok: false, code: 'forbidden' });
    session.actor = null;
  });
});
