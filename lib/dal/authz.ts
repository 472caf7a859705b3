import 'server-only';
import { cache } from 'react';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import type { Tx } from '@/lib/dal/epoch';
import { forbidden, notFound, unauthorized } from '@/lib/dal/errors';
import { GLOBAL_NAMESPACE_ID } from '@/lib/schemas/namespace';

export type Role = 'viewer' | 'manager' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'manager', 'admin'];
const RANK: Record<Role, number> = { viewer: 1, manager: 2, admin: 3 };
export const atLeast = (have: Role | null | undefined, need: Role) => !!have && RANK[have] >= RANK[need];

type Db = Pick<Tx, 'namespace' | 'grant'>;

/**
 * The actor's effective role on every namespace: the strongest grant to the user or one
 * of their directory groups on the namespace or any ancestor (grants hold downwards).
 * Namespaces absent from the map do not exist; null means no access.
 */
export function effectiveRoles(actor: Actor, db?: Db): Promise<Map<string, Role | null>> {
  // A page asks several DAL functions, each of which checks: one computation per request
  // (React's cache is per server request, and a pass-through anywhere else). Inside a
  // transaction the answer is always read afresh, through it. The cache key names the
  // principal and the key's cap, so an API key's capped roles never answer for its owner's
  // session (or another key) in the same request, nor the other way round.
  return db ? computeRoles(actor, db) : rolesForRequest(principalKey(actor));
}

const SEP = '\u0000';
const principalKey = (actor: Actor) =>
  actor.serviceAccount
    ? `sa${SEP}${actor.serviceAccount.id}`
    : [`user${SEP}${actor.apiKey?.roleCap ?? ''}`, actor.userId, ...actor.groups].join(SEP);

const rolesForRequest = cache(async (key: string) => {
  const [kind, second, id, ...groups] = key.split(SEP);
  const actor: Actor =
    kind === 'sa'
      ? { userId: second!, email: '', groups: [], serviceAccount: { id: second!, userId: '' } }
      : {
          userId: id!,
          email: '',
          groups,
          ...(second ? { apiKey: { id: '', name: '', roleCap: second as Role } } : {}),
        };
  return computeRoles(actor, await getPrisma());
});

async function computeRoles(actor: Actor, client: Db): Promise<Map<string, Role | null>> {
  const subject = actor.serviceAccount
    ? { serviceAccountId: actor.serviceAccount.id }
    : { OR: [{ userId: actor.userId }, ...(actor.groups.length ? [{ groupName: { in: actor.groups } }] : [])] };
  const [namespaces, grants] = await Promise.all([
    client.namespace.findMany({ select: { id: true, parentId: true } }),
    client.grant.findMany({ where: subject, select: { namespaceId: true, role: true } }),
  ]);
  const own = new Map<string, Role>();
  for (const g of grants) {
    const role = g.role as Role;
    if (!atLeast(own.get(g.namespaceId), role)) own.set(g.namespaceId, role);
  }
  const children = new Map<string | null, string[]>();
  for (const n of namespaces) (children.get(n.parentId) ?? children.set(n.parentId, []).get(n.parentId)!).push(n.id);
  const out = new Map<string, Role | null>();
  const stack: [string, Role | null][] = (children.get(null) ?? []).map((id) => [id, null]);
  const cap = actor.apiKey?.roleCap;
  while (stack.length) {
    const [id, inherited] = stack.pop()!;
    const mine = own.get(id);
    const role = mine && !atLeast(inherited, mine) ? mine : inherited;
    // An API key acts with at most its cap: min(owner's role, cap), wherever the role comes from.
    out.set(id, cap && role && !atLeast(cap, role) ? cap : role);
    for (const c of children.get(id) ?? []) stack.push([c, role]);
  }
  return out;
}

/**
 * The one permission check. Every DAL function calls it before reading or writing, with
 * the namespace the data lives in. Inside a transaction pass `db` (the transaction): on
 * the embedded database it holds the only connection.
 */
export async function authorize(
  actor: Actor | null | undefined,
  namespaceId: string,
  role: Role,
  db?: Db,
): Promise<Actor> {
  if (!actor) throw unauthorized();
  const roles = await effectiveRoles(actor, db);
  if (!roles.has(namespaceId)) throw notFound('The namespace');
  if (!atLeast(roles.get(namespaceId), role)) {
    throw forbidden(
      role === 'viewer'
        ? 'view this namespace'
        : role === 'manager'
          ? 'change this namespace'
          : 'administer this namespace',
    );
  }
  return actor;
}

/** Install-wide things (directory, signing keys) belong to Global. */
export const authorizeGlobal = (actor: Actor | null | undefined, role: Role, db?: Db) =>
  authorize(actor, GLOBAL_NAMESPACE_ID, role, db);

/** For reads that any console user with some role may make (e.g. the directory pickers). */
export async function authorizeAnyRole(actor: Actor | null | undefined, db?: Db): Promise<Actor> {
  if (!actor) throw unauthorized();
  const roles = await effectiveRoles(actor, db);
  for (const r of roles.values()) if (r) return actor;
  throw forbidden('use the console until an administrator grants you a role');
}
