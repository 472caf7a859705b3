import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { atLeast, authorize, effectiveRoles, type Role } from '@/lib/dal/authz';
import { about } from '@/lib/dal/audit';
import { mutate } from '@/lib/dal/mutation';
import type { Tx } from '@/lib/dal/epoch';
import { conflict, invalid, notFound, unauthorized } from '@/lib/dal/errors';
import { GLOBAL_NAMESPACE_ID } from '@/lib/schemas/namespace';
import { checkVersion, lockForVersionCheck, type IfMatch } from '@/lib/dal/versions';

export interface NamespaceNode {
  id: string;
  name: string;
  parentId: string | null;
}
/** A node of the sidebar tree, with the viewer's effective role (null: shown only as an ancestor). */
export interface NamespaceTreeNode extends NamespaceNode {
  role: Role | null;
}
export interface NamespaceDetail {
  id: string;
  name: string;
  parentId: string | null;
  role: Role;
  /** From Global down to this namespace, inclusive. */
  path: NamespaceNode[];
  children: NamespaceNode[];
}

const nameTaken = (name: string) =>
  conflict('A namespace with that name already exists here.', {
    name: [`"${name}" is already used by a sibling namespace.`],
  });

const nodeSelect = { id: true, name: true, parentId: true } as const;

/**
 * Every namespace, by name, unfiltered: the tree that pathTo and subtreeIds walk, for
 * callers that have authorized already. Inside a transaction, pass it (on PGlite it holds
 * the only connection).
 */
export async function namespaceTree(db?: Tx): Promise<NamespaceNode[]> {
  return (db ?? (await getPrisma())).namespace.findMany({ select: nodeSelect, orderBy: [{ nameKey: 'asc' }] });
}

/**
 * The namespaces the actor can read, with their ancestors so the tree hangs together,
 * in one pass: a few thousand rows are cheap, and the sidebar needs them all.
 */
export async function listNamespaces(actor: Actor | null): Promise<NamespaceTreeNode[]> {
  if (!actor) throw unauthorized();
  const [all, roles] = await Promise.all([namespaceTree(), effectiveRoles(actor)]);
  const keep = new Set<string>();
  const byId = new Map(all.map((n) => [n.id, n]));
  for (const n of all) {
    if (!atLeast(roles.get(n.id), 'viewer')) continue;
    for (
      let cur: NamespaceNode | undefined = n;
      cur && !keep.has(cur.id);
      cur = cur.parentId ? byId.get(cur.parentId) : undefined
    )
      keep.add(cur.id);
  }
  return all.filter((n) => keep.has(n.id)).map((n) => ({ ...n, role: roles.get(n.id) ?? null }));
}

/** Ancestors of a namespace, Global first, the namespace last. */
export function pathTo(all: NamespaceNode[], id: string): NamespaceNode[] {
  const byId = new Map(all.map((n) => [n.id, n]));
  const path: NamespaceNode[] = [];
  for (let n = byId.get(id); n && path.length <= all.length; n = n.parentId ? byId.get(n.parentId) : undefined)
    path.unshift(n);
  return path;
}

/** Ids of a namespace and all its descendants. */
export function subtreeIds(all: NamespaceNode[], id: string): string[] {
  const kids = new Map<string, string[]>();
  for (const n of all) if (n.parentId) (kids.get(n.parentId) ?? kids.set(n.parentId, []).get(n.parentId)!).push(n.id);
  const out: string[] = [];
  const stack = [id];
  while (stack.length) {
    const cur = stack.pop()!;
    out.push(cur);
    stack.push(...(kids.get(cur) ?? []));
  }
  return out;
}

export async function getNamespace(actor: Actor | null, id: string): Promise<NamespaceDetail> {
  await authorize(actor, id, 'viewer');
  const all = await listNamespaces(actor);
  const node = all.find((n) => n.id === id);
  if (!node?.role) throw notFound('The namespace');
  const strip = ({ id: i, name, parentId }: NamespaceNode): NamespaceNode => ({ id: i, name, parentId });
  return {
    ...strip(node),
    role: node.role,
    path: pathTo(all, id).map(strip),
    children: all.filter((n) => n.parentId === id).map(strip),
  };
}

export async function createNamespace(actor: Actor | null, parentId: string, name: string): Promise<NamespaceNode> {
  const who = await authorize(actor, parentId, 'manager');
  return mutate(
    async (m) => {
      const ns = await m.tx.namespace.create({
        data: { name, nameKey: name.toLowerCase(), parentId },
        select: nodeSelect,
      });
      await m.record(who, about('namespace', ns.id, ns.id).created(ns));
      return ns;
    },
    { unique: nameTaken(name), foreignKey: notFound('The parent namespace') },
  );
}

export async function renameNamespace(
  actor: Actor | null,
  id: string,
  name: string,
  opts: { ifMatch?: IfMatch } = {},
): Promise<NamespaceNode> {
  const who = await authorize(actor, id, 'manager');
  if (id === GLOBAL_NAMESPACE_ID) throw invalid('Global cannot be renamed.');
  return mutate(
    async (m) => {
      await lockForVersionCheck(m.tx, 'namespace', id, opts.ifMatch);
      const before = await m.tx.namespace.findUnique({ where: { id }, select: { ...nodeSelect, updatedAt: true } });
      if (!before) throw notFound('The namespace');
      checkVersion(id, before.updatedAt, opts.ifMatch);
      const after = await m.tx.namespace.update({
        where: { id },
        data: { name, nameKey: name.toLowerCase() },
        select: nodeSelect,
      });
      await m.record(who, about('namespace', id, id).updated(strip(before), after));
      return after;
    },
    { unique: nameTaken(name) },
  );
}

/** Refused while anything lives in the namespace: deleting never loses data silently. */
export async function deleteNamespace(
  actor: Actor | null,
  id: string,
  opts: { ifMatch?: IfMatch } = {},
): Promise<{ parentId: string | null }> {
  const who = await authorize(actor, id, 'manager');
  if (id === GLOBAL_NAMESPACE_ID) throw invalid('Global cannot be deleted.');
  return mutate(
    async (m) => {
      await lockForVersionCheck(m.tx, 'namespace', id, opts.ifMatch);
      const ns = await m.tx.namespace.findUnique({
        where: { id },
        select: {
          name: true,
          parentId: true,
          updatedAt: true,
          _count: { select: { children: true, serviceAccounts: true, routes: true, policies: true } },
        },
      });
      if (!ns) throw notFound('The namespace');
      checkVersion(id, ns.updatedAt, opts.ifMatch);
      const blockers = [
        [ns._count.children, 'child namespace'],
        [ns._count.serviceAccounts, 'service account'],
        [ns._count.routes, 'route'],
        [ns._count.policies, 'polic'],
      ] as const;
      const plural = (n: number, what: string) =>
        what === 'polic' ? `${n} polic${n === 1 ? 'y' : 'ies'}` : `${n} ${what}${n === 1 ? '' : 's'}`;
      const left = blockers.filter(([n]) => n > 0).map(([n, what]) => plural(n, what));
      if (left.length) throw conflict(`This namespace still has ${left.join(', ')}. Move or delete them first.`);
      await m.tx.namespace.delete({ where: { id } });
      await m.record(who, about('namespace', id, ns.parentId).deleted({ id, name: ns.name, parentId: ns.parentId }));
      return { parentId: ns.parentId };
    },
    { foreignKey: conflict('This namespace is still in use. Move or delete what it holds first.') },
  );
}

const strip = ({ id, name, parentId }: NamespaceNode): NamespaceNode => ({ id, name, parentId });

/** A namespace as the REST API shows it: `path` is the names from Global down, joined by "/". */
export interface NamespaceView extends NamespaceNode {
  path: string;
  role: Role;
  updatedAt: Date;
}

/** Every namespace the actor holds a role on, with its path, ordered by id (for keyset pages). */
export async function listReadableNamespaces(actor: Actor | null): Promise<NamespaceView[]> {
  if (!actor) throw unauthorized();
  const [roles, rows] = await Promise.all([
    effectiveRoles(actor),
    (await getPrisma()).namespace.findMany({ select: { ...nodeSelect, updatedAt: true }, orderBy: { id: 'asc' } }),
  ]);
  const byId = new Map(rows.map((n) => [n.id, n]));
  const pathOf = (id: string) => {
    const names: string[] = [];
    for (let cur = byId.get(id); cur; cur = cur.parentId ? byId.get(cur.parentId) : undefined) names.unshift(cur.name);
    return names.join('/');
  };
  return rows.flatMap((n) => {
    const role = roles.get(n.id);
    return role && atLeast(role, 'viewer') ? [{ ...strip(n), path: pathOf(n.id), role, updatedAt: n.updatedAt }] : [];
  });
}

/** One namespace for the REST API (404 when it does not exist, 403 without a role on it). */
export async function getNamespaceView(actor: Actor | null, id: string): Promise<NamespaceView> {
  await authorize(actor, id, 'viewer');
  const found = (await listReadableNamespaces(actor)).find((n) => n.id === id);
  if (!found) throw notFound('The namespace');
  return found;
}
