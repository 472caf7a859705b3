import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { authorize, effectiveRoles } from '@/lib/dal/authz';
import { underPrefix } from '@/lib/net/canonical-path';
import type { Tx } from '@/lib/dal/epoch';
import { about } from '@/lib/dal/audit';
import { mutate } from '@/lib/dal/mutation';
import { conflict, invalid, notFound } from '@/lib/dal/errors';
import { listNamespaces, namespaceTree, pathTo } from '@/lib/dal/namespaces';
import { parseFrom, splitUrls, type routeFormSchema } from '@/lib/schemas/route';
import { checkVersion, lockForVersionCheck, type IfMatch } from '@/lib/dal/versions';
import type { z } from 'zod';

/** Omitted `acceptExternalTokens` is false: a route takes external tokens only when asked to. */
type RouteInput = Omit<z.output<typeof routeFormSchema>, 'acceptExternalTokens'> & { acceptExternalTokens?: boolean };

export interface RouteRow {
  id: string;
  namespaceId: string;
  name: string;
  from: string;
  host: string;
  pathPrefix: string;
  to: string[];
  policies: { id: string; name: string }[];
  acceptExternalTokens: boolean;
  /** Enforced policies of this namespace and its ancestors: they apply without being picked. */
  enforced: { id: string; name: string; namespaceName: string }[];
  /** Last change: the REST API's ETag (lib/dal/versions.ts). */
  updatedAt: Date;
}

const fromTaken = (url: string) =>
  conflict('Another route already serves this URL.', {
    from: [`${url} is already served by another route (From + path prefix are unique across the install).`],
  });

export async function listRoutes(actor: Actor | null, namespaceId: string): Promise<RouteRow[]> {
  return routesWhere(actor, namespaceId, {});
}

/** One route, for the REST API; 404 when it does not exist, 403 without a role on its namespace. */
export async function getRoute(actor: Actor | null, id: string): Promise<RouteRow> {
  const found = await (await getPrisma()).route.findUnique({ where: { id }, select: { namespaceId: true } });
  if (!found) throw notFound('The route');
  const [row] = await routesWhere(actor, found.namespaceId, { id });
  if (!row) throw notFound('The route');
  return row;
}

async function routesWhere(actor: Actor | null, namespaceId: string, where: { id?: string }): Promise<RouteRow[]> {
  await authorize(actor, namespaceId, 'viewer');
  const path = pathTo(await listNamespaces(actor), namespaceId);
  const prisma = await getPrisma();
  const [routes, enforced] = await Promise.all([
    prisma.route.findMany({
      where: { namespaceId, ...where },
      orderBy: [{ host: 'asc' }, { pathPrefix: 'asc' }],
      select: {
        id: true,
        namespaceId: true,
        name: true,
        host: true,
        pathPrefix: true,
        toUrls: true,
        acceptExternalTokens: true,
        updatedAt: true,
        policies: { select: { policy: { select: { id: true, name: true } } } },
      },
    }),
    prisma.policy.findMany({
      where: { enforced: true, namespaceId: { in: path.map((n) => n.id) } },
      select: { id: true, name: true, namespace: { select: { name: true } } },
      orderBy: { nameKey: 'asc' },
    }),
  ]);
  const enforcedList = enforced.map((p) => ({ id: p.id, name: p.name, namespaceName: p.namespace.name }));
  return routes.map((r) => ({
    id: r.id,
    namespaceId: r.namespaceId,
    name: r.name,
    host: r.host,
    pathPrefix: r.pathPrefix,
    to: r.toUrls,
    from: `https://${r.host}${r.pathPrefix === '/' ? '' : r.pathPrefix}`,
    policies: r.policies.map((x) => x.policy),
    acceptExternalTokens: r.acceptExternalTokens,
    enforced: enforcedList,
    updatedAt: r.updatedAt,
  }));
}

/** Optional policies a route may pick: those of its namespace and its ancestors. */
async function checkPolicies(tx: Tx, namespaceId: string, ids: string[]) {
  if (!ids.length) return;
  // Inside the transaction (on PGlite it holds the only connection).
  const all = await namespaceTree(tx);
  const allowed = pathTo(all, namespaceId).map((n) => n.id);
  const found = await tx.policy.findMany({
    where: { id: { in: ids }, namespaceId: { in: allowed } },
    select: { id: true },
  });
  if (found.length !== new Set(ids).size) {
    throw invalid('A chosen policy no longer exists or is not available in this namespace.', {
      policyIds: ['A chosen policy no longer exists or is not available here. Reload and choose again.'],
    });
  }
}

/**
 * On one host, a route may nest inside another's prefix (either way round) only when the
 * inner route's namespace is the outer route's namespace or a descendant of it. Otherwise
 * the inner prefix would be decided by another namespace's policies and accounts while the
 * proxy still sends it to the outer route's upstream. A lock per host serialises checks.
 */
export async function checkNesting(
  tx: Tx,
  who: Actor,
  self: { id?: string; namespaceId: string; host: string; pathPrefix: string },
) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(4242200, hashtext(${self.host}::text))`;
  const others = await tx.route.findMany({
    where: { host: self.host, ...(self.id ? { id: { not: self.id } } : {}) },
    select: { id: true, name: true, namespaceId: true, pathPrefix: true },
  });
  if (!others.length) return;
  const all = await namespaceTree(tx);
  const within = (inner: string, outer: string) => pathTo(all, inner).some((n) => n.id === outer);
  for (const o of others) {
    const selfInside = underPrefix(self.pathPrefix, o.pathPrefix);
    const otherInside = underPrefix(o.pathPrefix, self.pathPrefix);
    if (!selfInside && !otherInside) continue;
    const ok = selfInside ? within(self.namespaceId, o.namespaceId) : within(o.namespaceId, self.namespaceId);
    if (ok) continue;
    const roles = await effectiveRoles(who, tx);
    const visible = roles.get(o.namespaceId) != null;
    const where = visible
      ? `route "${o.name}" (https://${self.host}${o.pathPrefix === '/' ? '' : o.pathPrefix}) in namespace "${all.find((n) => n.id === o.namespaceId)?.name ?? '?'}"`
      : 'a route in a namespace you cannot see';
    const message = selfInside
      ? `This URL lies inside ${where}. A route may only nest inside a route of its own namespace or of an ancestor.`
      : `This URL would take over part of ${where}. A route may only contain routes of its own namespace or of a descendant.`;
    throw conflict(message, { from: [message] });
  }
}

function fields(input: RouteInput) {
  const from = parseFrom(input.from);
  if (typeof from === 'string') throw invalid(from, { from: [from] });
  return {
    from,
    data: {
      name: input.name,
      host: from.host,
      pathPrefix: from.pathPrefix,
      toUrls: splitUrls(input.to),
      acceptExternalTokens: input.acceptExternalTokens ?? false,
    },
  };
}

const routeView = {
  name: true,
  host: true,
  pathPrefix: true,
  toUrls: true,
  acceptExternalTokens: true,
  policies: { select: { policyId: true } },
} as const;
type RouteView = {
  name: string;
  host: string;
  pathPrefix: string;
  toUrls: string[];
  acceptExternalTokens: boolean;
  policies: { policyId: string }[];
};
const auditView = (r: RouteView) => ({
  name: r.name,
  from: `https://${r.host}${r.pathPrefix === '/' ? '' : r.pathPrefix}`,
  to: r.toUrls,
  policyIds: r.policies.map((p) => p.policyId),
  acceptExternalTokens: r.acceptExternalTokens,
});

export async function createRoute(
  actor: Actor | null,
  namespaceId: string,
  input: RouteInput,
): Promise<{ id: string }> {
  const who = await authorize(actor, namespaceId, 'manager');
  const { from, data } = fields(input);
  return mutate(
    async (m) => {
      await checkPolicies(m.tx, namespaceId, input.policyIds);
      await checkNesting(m.tx, who, { namespaceId, host: data.host, pathPrefix: data.pathPrefix });
      const r = await m.tx.route.create({
        data: {
          ...data,
          namespaceId,
          policies: { create: [...new Set(input.policyIds)].map((policyId) => ({ policyId })) },
        },
        select: { id: true, ...routeView },
      });
      await m.record(who, about('route', r.id, namespaceId).created(auditView(r)));
      return { id: r.id };
    },
    { unique: fromTaken(from.url) },
  );
}

export async function updateRoute(
  actor: Actor | null,
  id: string,
  input: RouteInput,
  opts: { ifMatch?: IfMatch } = {},
): Promise<{ id: string }> {
  const { from, data } = fields(input);
  return mutate(
    async (m) => {
      await lockForVersionCheck(m.tx, 'route', id, opts.ifMatch);
      const found = await m.tx.route.findUnique({
        where: { id },
        select: { namespaceId: true, updatedAt: true, ...routeView },
      });
      if (!found) throw notFound('The route');
      checkVersion(id, found.updatedAt, opts.ifMatch);
      const who = await authorize(actor, found.namespaceId, 'manager', m.tx);
      await checkPolicies(m.tx, found.namespaceId, input.policyIds);
      await checkNesting(m.tx, who, {
        id,
        namespaceId: found.namespaceId,
        host: data.host,
        pathPrefix: data.pathPrefix,
      });
      await m.tx.routePolicy.deleteMany({ where: { routeId: id } });
      const after = await m.tx.route.update({
        where: { id },
        data: { ...data, policies: { create: [...new Set(input.policyIds)].map((policyId) => ({ policyId })) } },
        select: routeView,
      });
      await m.record(who, about('route', id, found.namespaceId).updated(auditView(found), auditView(after)));
      return { id };
    },
    { unique: fromTaken(from.url) },
  );
}

export async function deleteRoute(actor: Actor | null, id: string, opts: { ifMatch?: IfMatch } = {}): Promise<void> {
  await mutate(async (m) => {
    await lockForVersionCheck(m.tx, 'route', id, opts.ifMatch);
    const found = await m.tx.route.findUnique({
      where: { id },
      select: { namespaceId: true, updatedAt: true, ...routeView },
    });
    if (!found) throw notFound('The route');
    const who = await authorize(actor, found.namespaceId, 'manager', m.tx);
    checkVersion(id, found.updatedAt, opts.ifMatch);
    await m.tx.route.delete({ where: { id } });
    await m.record(who, about('route', id, found.namespaceId).deleted(auditView(found)));
  });
}
