import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { authorize } from '@/lib/dal/authz';
import { bumpEpoch, type Tx } from '@/lib/dal/epoch';
import { recordAudit } from '@/lib/dal/audit';
import { conflict, invalid, isUniqueViolation, notFound } from '@/lib/dal/errors';
import { listNamespaces, pathTo } from '@/lib/dal/namespaces';
import { changed } from '@/lib/verify/invalidate';
import { parseFrom, splitUrls, type routeFormSchema } from '@/lib/schemas/route';
import type { z } from 'zod';

type RouteInput = z.output<typeof routeFormSchema>;

export interface RouteRow {
  id: string; namespaceId: string; name: string; from: string; host: string; pathPrefix: string; to: string[];
  policies: { id: string; name: string }[];
  /** Enforced policies of this namespace and its ancestors: they apply without being picked. */
  enforced: { id: string; name: string; namespaceName: string }[];
}

const fromTaken = (url: string) => conflict('Another route already serves this URL.', { from: [`${url} is already served by another route (From + path prefix are unique across the install).`] });

export async function listRoutes(actor: Actor | null, namespaceId: string): Promise<RouteRow[]> {
  await authorize(actor, namespaceId, 'viewer');
  const path = pathTo(await listNamespaces(actor), namespaceId);
  const prisma = await getPrisma();
  const [routes, enforced] = await Promise.all([
    prisma.route.findMany({
      where: { namespaceId }, orderBy: [{ host: 'asc' }, { pathPrefix: 'asc' }],
      select: { id: true, namespaceId: true, name: true, host: true, pathPrefix: true, toUrls: true, policies: { select: { policy: { select: { id: true, name: true } } } } },
    }),
    prisma.policy.findMany({ where: { enforced: true, namespaceId: { in: path.map((n) => n.id) } }, select: { id: true, name: true, namespace: { select: { name: true } } }, orderBy: { nameKey: 'asc' } }),
  ]);
  const enforcedList = enforced.map((p) => ({ id: p.id, name: p.name, namespaceName: p.namespace.name }));
  return routes.map((r) => ({
    id: r.id, namespaceId: r.namespaceId, name: r.name, host: r.host, pathPrefix: r.pathPrefix, to: r.toUrls,
    from: `https://${r.host}${r.pathPrefix === '/' ? '' : r.pathPrefix}`,
    policies: r.policies.map((x) => x.policy), enforced: enforcedList,
  }));
}

/** Optional policies a route may pick: those of its namespace and its ancestors. */
async function checkPolicies(tx: Tx, namespaceId: string, ids: string[]) {
  if (!ids.length) return;
  // Inside the transaction (on PGlite it holds the only connection).
  const all = await tx.namespace.findMany({ select: { id: true, name: true, parentId: true } });
  const allowed = pathTo(all, namespaceId).map((n) => n.id);
  const found = await tx.policy.findMany({ where: { id: { in: ids }, namespaceId: { in: allowed } }, select: { id: true } });
  if (found.length !== new Set(ids).size) {
    throw invalid('A chosen policy no longer exists or is not available in this namespace.', { policyIds: ['A chosen policy no longer exists or is not available here. Reload and choose again.'] });
  }
}

function fields(input: RouteInput) {
  const from = parseFrom(input.from);
  if (typeof from === 'string') throw invalid(from, { from: [from] });
  return { from, data: { name: input.name, host: from.host, pathPrefix: from.pathPrefix, toUrls: splitUrls(input.to) } };
}

const routeView = { name: true, host: true, pathPrefix: true, toUrls: true, policies: { select: { policyId: true } } } as const;
type RouteView = { name: string; host: string; pathPrefix: string; toUrls: string[]; policies: { policyId: string }[] };
const auditView = (r: RouteView) => ({ name: r.name, from: `https://${r.host}${r.pathPrefix === '/' ? '' : r.pathPrefix}`, to: r.toUrls, policyIds: r.policies.map((p) => p.policyId) });

export async function createRoute(actor: Actor | null, namespaceId: string, input: RouteInput): Promise<{ id: string }> {
  const who = await authorize(actor, namespaceId, 'manager');
  const { from, data } = fields(input);
  try {
    const created = await (await getPrisma()).$transaction(async (tx) => {
      await checkPolicies(tx, namespaceId, input.policyIds);
      const r = await tx.route.create({
        data: { ...data, namespaceId, policies: { create: [...new Set(input.policyIds)].map((policyId) => ({ policyId })) } },
        select: { id: true, ...routeView },
      });
      await recordAudit(tx, who, { action: 'create', entityType: 'route', entityId: r.id, namespaceId, after: auditView(r) });
      await bumpEpoch(tx);
      return { id: r.id };
    });
    changed();
    return created;
  } catch (err) {
    if (isUniqueViolation(err)) throw fromTaken(from.url);
    throw err;
  }
}

export async function updateRoute(actor: Actor | null, id: string, input: RouteInput): Promise<{ id: string }> {
  const { from, data } = fields(input);
  try {
    await (await getPrisma()).$transaction(async (tx) => {
      const found = await tx.route.findUnique({ where: { id }, select: { namespaceId: true, ...routeView } });
      if (!found) throw notFound('The route');
      const who = await authorize(actor, found.namespaceId, 'manager', tx);
      await checkPolicies(tx, found.namespaceId, input.policyIds);
      await tx.routePolicy.deleteMany({ where: { routeId: id } });
      const after = await tx.route.update({ where: { id }, data: { ...data, policies: { create: [...new Set(input.policyIds)].map((policyId) => ({ policyId })) } }, select: routeView });
      await recordAudit(tx, who, { action: 'update', entityType: 'route', entityId: id, namespaceId: found.namespaceId, before: auditView(found), after: auditView(after) });
      await bumpEpoch(tx);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw fromTaken(from.url);
    throw err;
  }
  changed();
  return { id };
}

export async function deleteRoute(actor: Actor | null, id: string): Promise<void> {
  await (await getPrisma()).$transaction(async (tx) => {
    const found = await tx.route.findUnique({ where: { id }, select: { namespaceId: true, ...routeView } });
    if (!found) throw notFound('The route');
    const who = await authorize(actor, found.namespaceId, 'manager', tx);
    await tx.route.delete({ where: { id } });
    await recordAudit(tx, who, { action: 'delete', entityType: 'route', entityId: id, namespaceId: found.namespaceId, before: auditView(found) });
    await bumpEpoch(tx);
  });
  changed();
}

