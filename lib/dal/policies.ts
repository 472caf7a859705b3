import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { authorize, authorizeAnyRole } from '@/lib/dal/authz';
import { about } from '@/lib/dal/audit';
import { mutate } from '@/lib/dal/mutation';
import { conflict, invalid, notFound } from '@/lib/dal/errors';
import { listNamespaces, pathTo } from '@/lib/dal/namespaces';
import { parsePolicy, type Item, type Policy } from '@/lib/policy';
import { storedPpl, type PolicyFormValues } from '@/lib/schemas/policy';
import { checkVersion, lockForVersionCheck, type IfMatch } from '@/lib/dal/versions';

export interface PolicySummary {
  id: string;
  namespaceId: string;
  namespaceName: string;
  name: string;
  description: string;
  enforced: boolean;
  routes: { id: string; name: string }[];
  /** `user` values that match no service account or directory user (e.g. a revoked account). */
  unknownUsers: string[];
}
export interface PolicyDetail extends PolicyFormValues {
  id: string;
  namespaceId: string;
}

const nameTaken = () =>
  conflict('A policy with that name already exists in this namespace.', {
    name: ['This name is already used in this namespace.'],
  });

/** The `user` criterion values of a policy (is / in), to flag references to accounts that are gone. */
function userRefs(policy: Policy): string[] {
  const out = new Set<string>();
  const visit = (items: readonly Item[] | undefined) => {
    for (const item of items ?? []) {
      if (item.kind === 'block') {
        visit(item.and);
        visit(item.or);
        visit(item.not);
        visit(item.nor);
        continue;
      }
      if (item.name !== 'user') continue;
      const v = item.value as { is?: string; in?: readonly string[] };
      if (v.is) out.add(v.is);
      for (const x of v.in ?? []) out.add(x);
    }
  };
  for (const rule of policy.rules)
    for (const block of [rule.allow, rule.deny])
      if (block) {
        visit(block.and);
        visit(block.or);
        visit(block.not);
        visit(block.nor);
      }
  return [...out];
}

export async function listPolicies(actor: Actor | null, namespaceId: string): Promise<PolicySummary[]> {
  await authorize(actor, namespaceId, 'viewer');
  const prisma = await getPrisma();
  const rows = await prisma.policy.findMany({
    where: { namespaceId },
    orderBy: { nameKey: 'asc' },
    select: {
      id: true,
      namespaceId: true,
      name: true,
      description: true,
      enforced: true,
      ppl: true,
      namespace: { select: { name: true } },
      routes: { select: { route: { select: { id: true, name: true } } } },
    },
  });
  const refs = new Map(
    rows.map((r) => [
      r.id,
      (() => {
        try {
          return userRefs(parsePolicy(r.ppl));
        } catch {
          return [];
        }
      })(),
    ]),
  );
  const wanted = [...new Set([...refs.values()].flat())];
  const known = new Set<string>();
  if (wanted.length) {
    const [sas, dus] = await Promise.all([
      prisma.serviceAccount.findMany({ where: { userId: { in: wanted } }, select: { userId: true } }),
      prisma.directoryUser.findMany({ where: { id: { in: wanted } }, select: { id: true } }),
    ]);
    for (const s of sas) known.add(s.userId);
    for (const d of dus) known.add(d.id);
  }
  return rows.map((r) => ({
    id: r.id,
    namespaceId: r.namespaceId,
    namespaceName: r.namespace.name,
    name: r.name,
    description: r.description,
    enforced: r.enforced,
    routes: r.routes.map((x) => x.route),
    unknownUsers: (refs.get(r.id) ?? []).filter((u) => !known.has(u)),
  }));
}

/** A policy of this namespace: ownership is part of the query, so another namespace's id finds nothing. */
export async function getPolicy(actor: Actor | null, namespaceId: string, id: string): Promise<PolicyDetail> {
  await authorize(actor, namespaceId, 'viewer');
  const p = await (await getPrisma()).policy.findFirst({ where: { id, namespaceId } });
  if (!p) throw notFound('The policy');
  return { id: p.id, namespaceId: p.namespaceId, ...formValues(p) };
}

/** A policy's form fields: what the edit form shows and the Change History records. */
const formValues = (p: PolicyFormValues): PolicyFormValues => ({
  name: p.name,
  description: p.description,
  enforced: p.enforced,
  explanation: p.explanation,
  remediation: p.remediation,
  ppl: p.ppl,
});

function data(v: PolicyFormValues) {
  const stored = storedPpl(v.ppl);
  if (!stored.ok) throw invalid(stored.message, { ppl: [stored.message] });
  return { ...formValues({ ...v, ppl: stored.ppl }), nameKey: v.name.toLowerCase() };
}

export async function createPolicy(
  actor: Actor | null,
  namespaceId: string,
  values: PolicyFormValues,
): Promise<{ id: string }> {
  const who = await authorize(actor, namespaceId, 'manager');
  const fields = data(values);
  return mutate(
    async (m) => {
      const p = await m.tx.policy.create({ data: { namespaceId, ...fields } });
      await m.record(who, about('policy', p.id, namespaceId).created(formValues(p)));
      return { id: p.id };
    },
    { unique: nameTaken(), foreignKey: notFound('The namespace') },
  );
}

export async function updatePolicy(
  actor: Actor | null,
  id: string,
  values: PolicyFormValues,
  opts: { ifMatch?: IfMatch } = {},
): Promise<{ id: string }> {
  const fields = data(values);
  return mutate(
    async (m) => {
      await lockForVersionCheck(m.tx, 'policy', id, opts.ifMatch);
      const before = await m.tx.policy.findUnique({ where: { id } });
      if (!before) throw notFound('The policy');
      const who = await authorize(actor, before.namespaceId, 'manager', m.tx);
      checkVersion(id, before.updatedAt, opts.ifMatch);
      const after = await m.tx.policy.update({ where: { id }, data: fields });
      await m.record(who, about('policy', id, before.namespaceId).updated(formValues(before), formValues(after)));
      return { id };
    },
    { unique: nameTaken() },
  );
}

/** Refused while routes pick the policy: detach it first, so no route silently loses a rule. */
export async function deletePolicy(actor: Actor | null, id: string, opts: { ifMatch?: IfMatch } = {}): Promise<void> {
  await mutate(async (m) => {
    await lockForVersionCheck(m.tx, 'policy', id, opts.ifMatch);
    const found = await m.tx.policy.findUnique({ where: { id }, include: { _count: { select: { routes: true } } } });
    if (!found) throw notFound('The policy');
    const who = await authorize(actor, found.namespaceId, 'manager', m.tx);
    checkVersion(id, found.updatedAt, opts.ifMatch);
    const n = found._count.routes;
    if (n)
      throw conflict(
        `${n} route${n === 1 ? ' uses' : 's use'} this policy. Remove it from ${n === 1 ? 'that route' : 'those routes'} first.`,
      );
    await m.tx.policy.delete({ where: { id } });
    await m.record(who, about('policy', id, found.namespaceId).deleted(formValues(found)));
  });
}

/** Policies a route in this namespace may use: its own and its ancestors'. */
export async function policiesInScope(actor: Actor | null, namespaceId: string) {
  await authorize(actor, namespaceId, 'viewer');
  const ids = pathTo(await listNamespaces(actor), namespaceId).map((n) => n.id);
  return (await getPrisma()).policy.findMany({
    where: { namespaceId: { in: ids } },
    orderBy: [{ enforced: 'desc' }, { nameKey: 'asc' }],
    select: { id: true, name: true, enforced: true, namespaceId: true, namespace: { select: { name: true } } },
  });
}

/** Identities a policy here can name: accounts usable in this namespace (its own and its ancestors') and directory users. */
export async function usersInScope(actor: Actor | null, namespaceId: string): Promise<{ id: string; label: string }[]> {
  await authorize(actor, namespaceId, 'viewer');
  const ids = pathTo(await listNamespaces(actor), namespaceId).map((n) => n.id);
  const prisma = await getPrisma();
  const [sas, dus] = await Promise.all([
    prisma.serviceAccount.findMany({
      where: { namespaceId: { in: ids }, directoryUserId: null },
      select: { userId: true },
      orderBy: { userId: 'asc' },
      take: 2000,
    }),
    prisma.directoryUser.findMany({ select: { id: true, email: true }, orderBy: { id: 'asc' }, take: 2000 }),
  ]);
  return [
    ...sas.map((s) => ({ id: s.userId, label: `${s.userId} (service account)` })),
    ...dus.map((d) => ({ id: d.id, label: d.email ? `${d.id} (${d.email})` : d.id })),
  ];
}

export async function knownGroups(actor: Actor | null): Promise<string[]> {
  await authorizeAnyRole(actor);
  const rows = await (await getPrisma()).$queryRaw<
    { g: string }[]
  >`SELECT DISTINCT unnest(groups) AS g FROM directory_users ORDER BY g LIMIT 2000`;
  return rows.map((r) => r.g);
}

/** A policy in full, for the REST API: its form fields, namespace and last change (the ETag). */
export interface PolicyView extends PolicyDetail {
  createdAt: Date;
  updatedAt: Date;
}

const viewOf = (p: PolicyFormValues & { id: string; namespaceId: string; createdAt: Date; updatedAt: Date }) => ({
  id: p.id,
  namespaceId: p.namespaceId,
  ...formValues(p),
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

/** The policies of a namespace in full, ordered by id (keyset pages); `name` finds one by name, whatever its case. */
export async function listPolicyViews(
  actor: Actor | null,
  namespaceId: string,
  opts: { name?: string } = {},
): Promise<PolicyView[]> {
  await authorize(actor, namespaceId, 'viewer');
  const rows = await (await getPrisma()).policy.findMany({
    where: { namespaceId, ...(opts.name ? { nameKey: opts.name.trim().toLowerCase() } : {}) },
    orderBy: { id: 'asc' },
  });
  return rows.map(viewOf);
}

/** One policy by id, for the REST API; 404 when it does not exist, 403 without a role on its namespace. */
export async function getPolicyView(actor: Actor | null, id: string): Promise<PolicyView> {
  const p = await (await getPrisma()).policy.findUnique({ where: { id } });
  if (!p) throw notFound('The policy');
  await authorize(actor, p.namespaceId, 'viewer');
  return viewOf(p);
}
