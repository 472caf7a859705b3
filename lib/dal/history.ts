import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { Actor } from '@/lib/dal/actor';
import type { AuditEntity } from '@/lib/dal/audit';
import { atLeast, effectiveRoles } from '@/lib/dal/authz';
import { forbidden, invalid, notFound, unauthorized } from '@/lib/dal/errors';
import { namespaceTree, pathTo, subtreeIds } from '@/lib/dal/namespaces';
import { GLOBAL_NAMESPACE_ID } from '@/lib/schemas/namespace';
import type { HistoryFilters } from '@/lib/schemas/history';

import { HISTORY_ENTITY_TYPES } from '@/lib/schemas/history';

export { HISTORY_ENTITY_TYPES, parseHistoryQuery, type HistoryFilters, type HistoryQuery } from '@/lib/schemas/history';

// Every type the filter offers is one the history records.
const filterTypes: readonly AuditEntity[] = HISTORY_ENTITY_TYPES;
void filterTypes;

// Read-only by design: the change history is append-only (a database trigger refuses
// UPDATE, DELETE and TRUNCATE), and this module deliberately offers no way to change it.

export interface HistoryEntry {
  id: string;
  at: string;
  actorEmail: string;
  /** The trusted client address of the request that made the change, when known. */
  clientAddress: string | null;
  action: string;
  entityType: string;
  entityId: string;
  namespaceId: string | null;
  /** null for install-wide entries and for namespaces deleted since. */
  namespaceName: string | null;
  before: Prisma.JsonValue | null;
  after: Prisma.JsonValue | null;
}

export const MAX_PAGE = 200;

const select = {
  id: true,
  at: true,
  actorEmail: true,
  clientAddress: true,
  action: true,
  entityType: true,
  entityId: true,
  namespaceId: true,
  before: true,
  after: true,
} satisfies Prisma.AuditEventSelect;
type Row = Prisma.AuditEventGetPayload<{ select: typeof select }>;

/**
 * What the actor may see, as a where clause. Entries belong to the namespace they were
 * recorded in; install-wide entries (no namespace) and entries of namespaces deleted
 * since (their place in the tree is unknown, and grants on them went with them) belong
 * to Global, so only viewers of Global see those.
 */
async function scope(actor: Actor | null | undefined, namespaceId: string | undefined) {
  if (!actor) throw unauthorized();
  const prisma = await getPrisma();
  const [roles, all] = await Promise.all([effectiveRoles(actor), namespaceTree()]);
  const readable = [...roles].filter(([, role]) => atLeast(role, 'viewer')).map(([id]) => id);
  if (readable.length === 0) throw forbidden('view the change history until an administrator grants you a role');
  const names = new Map(all.map((n) => [n.id, n.name]));
  let where: Prisma.AuditEventWhereInput;
  if (namespaceId !== undefined) {
    if (!roles.has(namespaceId)) throw notFound('The namespace');
    if (!atLeast(roles.get(namespaceId), 'viewer')) throw forbidden('view this namespace');
    // Grants hold downwards, so the whole subtree of a readable namespace is readable.
    where = namespaceId === GLOBAL_NAMESPACE_ID ? {} : { namespaceId: { in: subtreeIds(all, namespaceId) } };
  } else {
    where = atLeast(roles.get(GLOBAL_NAMESPACE_ID), 'viewer') ? {} : { namespaceId: { in: readable } };
  }
  return { prisma, where, names };
}

function filterWhere(f: HistoryFilters): Prisma.AuditEventWhereInput[] {
  const and: Prisma.AuditEventWhereInput[] = [];
  const who = f.actor?.trim();
  if (who) and.push({ actorEmail: { contains: who, mode: 'insensitive' } });
  if (f.entityType) and.push({ entityType: f.entityType });
  if (f.from) and.push({ at: { gte: f.from } });
  if (f.to) and.push({ at: { lt: f.to } });
  if (f.cursor !== undefined) and.push({ id: { lt: f.cursor } });
  return and;
}

const toEntry =
  (names: Map<string, string>) =>
  (r: Row): HistoryEntry => ({
    id: r.id.toString(),
    at: r.at.toISOString(),
    actorEmail: r.actorEmail,
    clientAddress: r.clientAddress,
    action: r.action,
    entityType: r.entityType,
    entityId: r.entityId,
    namespaceId: r.namespaceId,
    namespaceName: r.namespaceId ? (names.get(r.namespaceId) ?? null) : null,
    before: r.before,
    after: r.after,
  });

/** Entries the actor may see, newest first; `nextCursor` fetches the next (older) page. */
export async function listHistory(
  actor: Actor | null | undefined,
  filters: HistoryFilters & { limit?: number } = {},
): Promise<{ entries: HistoryEntry[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(Math.trunc(filters.limit ?? 50), 1), MAX_PAGE);
  const { prisma, where, names } = await scope(actor, filters.namespaceId);
  const rows = await prisma.auditEvent.findMany({
    where: { AND: [where, ...filterWhere(filters)] },
    orderBy: { id: 'desc' },
    take: limit + 1,
    select,
  });
  const page = rows.slice(0, limit);
  return {
    entries: page.map(toEntry(names)),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id.toString() : null,
  };
}

/**
 * For exports: checks the actor now (so a caller can answer 401/403/404 before sending
 * anything), and refuses (invalid) when more than `max` entries match, rather than send a
 * silently shortened file; then yields batches of at most `batch` entries, newest first.
 */
export async function exportHistory(
  actor: Actor | null | undefined,
  filters: HistoryFilters,
  opts: { max?: number; batch?: number } = {},
): Promise<AsyncGenerator<HistoryEntry[]>> {
  const { prisma, where, names } = await scope(actor, filters.namespaceId);
  const max = opts.max ?? 50_000;
  const beyond = await prisma.auditEvent.findFirst({
    where: { AND: [where, ...filterWhere(filters)] },
    orderBy: { id: 'desc' },
    skip: max,
    select: { id: true },
  });
  if (beyond)
    throw invalid(
      `More than ${max.toLocaleString('en-US')} entries match: narrow the filters (a date range, a namespace or a type) and export again.`,
    );
  const batch = opts.batch ?? 1000;
  const map = toEntry(names);
  return (async function* () {
    let cursor = filters.cursor;
    let sent = 0;
    while (sent < max) {
      const rows = await prisma.auditEvent.findMany({
        where: { AND: [where, ...filterWhere({ ...filters, cursor })] },
        orderBy: { id: 'desc' },
        take: Math.min(batch, max - sent),
        select,
      });
      if (rows.length === 0) return;
      sent += rows.length;
      cursor = rows[rows.length - 1]!.id;
      yield rows.map(map);
    }
  })();
}

/** Namespaces the actor may filter on, labelled with their path ("Global / Prod / Payments"). */
export async function historyNamespaces(actor: Actor | null | undefined): Promise<{ id: string; label: string }[]> {
  if (!actor) throw unauthorized();
  const [roles, all] = await Promise.all([effectiveRoles(actor), namespaceTree()]);
  return all
    .filter((n) => atLeast(roles.get(n.id), 'viewer'))
    .map((n) => ({
      id: n.id,
      label: pathTo(all, n.id)
        .map((p) => p.name)
        .join(' / '),
    }))
    .sort((a, b) => a.label.localeCompare(b.label));
}
