import 'server-only';
import { z } from 'zod';
import { getPrisma } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { Actor } from '@/lib/dal/actor';
import type { AuditEntity } from '@/lib/dal/audit';
import { atLeast, effectiveRoles } from '@/lib/dal/authz';
import { forbidden, notFound, unauthorized } from '@/lib/dal/errors';
import { pathTo, subtreeIds, type NamespaceNode } from '@/lib/dal/namespaces';
import { GLOBAL_NAMESPACE_ID } from '@/lib/schemas/namespace';

// Read-only by design: the change history is append-only (a database trigger refuses
// UPDATE, DELETE and TRUNCATE), and this module deliberately offers no way to change it.

export const HISTORY_ENTITY_TYPES = [
  'namespace', 'service_account', 'route', 'policy', 'grant', 'signing_key', 'directory_user', 'directory_group', 'scim_token', 'console_user', 'identity_link',
] as const satisfies readonly AuditEntity[];

export interface HistoryEntry {
  id: string;
  at: string;
  actorEmail: string;
  action: string;
  entityType: string;
  entityId: string;
  namespaceId: string | null;
  /** null for install-wide entries and for namespaces deleted since. */
  namespaceName: string | null;
  before: Prisma.JsonValue | null;
  after: Prisma.JsonValue | null;
}

export interface HistoryFilters {
  /** This namespace and its descendants. */
  namespaceId?: string;
  /** Part of the actor's email (case-insensitive). */
  actor?: string;
  entityType?: (typeof HISTORY_ENTITY_TYPES)[number];
  /** At or after this instant. */
  from?: Date;
  /** Before this instant. */
  to?: Date;
  /** Only entries older than this id (keyset pagination). */
  cursor?: bigint;
}

export const MAX_PAGE = 200;

const select = {
  id: true, at: true, actorEmail: true, action: true, entityType: true, entityId: true, namespaceId: true, before: true, after: true,
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
  const [roles, all] = await Promise.all([
    effectiveRoles(actor),
    prisma.namespace.findMany({ select: { id: true, name: true, parentId: true } }) as Promise<NamespaceNode[]>,
  ]);
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

const toEntry = (names: Map<string, string>) => (r: Row): HistoryEntry => ({
  id: r.id.toString(), at: r.at.toISOString(), actorEmail: r.actorEmail, action: r.action, entityType: r.entityType, entityId: r.entityId,
  namespaceId: r.namespaceId, namespaceName: r.namespaceId ? (names.get(r.namespaceId) ?? null) : null, before: r.before, after: r.after,
});

/** Entries the actor may see, newest first; `nextCursor` fetches the next (older) page. */
export async function listHistory(
  actor: Actor | null | undefined,
  filters: HistoryFilters & { limit?: number } = {},
): Promise<{ entries: HistoryEntry[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(Math.trunc(filters.limit ?? 50), 1), MAX_PAGE);
  const { prisma, where, names } = await scope(actor, filters.namespaceId);
  const rows = await prisma.auditEvent.findMany({
    where: { AND: [where, ...filterWhere(filters)] }, orderBy: { id: 'desc' }, take: limit + 1, select,
  });
  const page = rows.slice(0, limit);
  return { entries: page.map(toEntry(names)), nextCursor: rows.length > limit ? page[page.length - 1]!.id.toString() : null };
}

/**
 * For exports: checks the actor now (so a caller can answer 401/403/404 before sending
 * anything), then yields batches of at most `batch` entries, newest first, `max` in all.
 */
export async function exportHistory(
  actor: Actor | null | undefined,
  filters: HistoryFilters,
  opts: { max?: number; batch?: number } = {},
): Promise<AsyncGenerator<HistoryEntry[]>> {
  const { prisma, where, names } = await scope(actor, filters.namespaceId);
  const max = opts.max ?? 50_000;
  const batch = opts.batch ?? 1000;
  const map = toEntry(names);
  return (async function* () {
    let cursor = filters.cursor;
    let sent = 0;
    while (sent < max) {
      const rows = await prisma.auditEvent.findMany({
        where: { AND: [where, ...filterWhere({ ...filters, cursor })] }, orderBy: { id: 'desc' }, take: Math.min(batch, max - sent), select,
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
  const prisma = await getPrisma();
  const [roles, all] = await Promise.all([
    effectiveRoles(actor),
    prisma.namespace.findMany({ select: { id: true, name: true, parentId: true } }) as Promise<NamespaceNode[]>,
  ]);
  return all
    .filter((n) => atLeast(roles.get(n.id), 'viewer'))
    .map((n) => ({ id: n.id, label: pathTo(all, n.id).map((p) => p.name).join(' / ') }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

// ---- Query strings (the page and the CSV export take the same filters) ----

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day (UTC) or an ISO 8601 instant; a day as upper bound means "through that day". */
const instant = (upper: boolean) =>
  z.string().trim().transform((s, ctx) => {
    const day = DAY.exec(s);
    if (day) {
      const t = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
      if (!Number.isNaN(t) && new Date(t).toISOString().startsWith(s)) return new Date(upper ? t + 86_400_000 : t);
    } else if (/^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s))) {
      return new Date(s);
    }
    ctx.addIssue({ code: 'custom', message: 'Enter a date as YYYY-MM-DD or a time as ISO 8601 (2026-01-31T12:00:00Z).' });
    return z.NEVER;
  });

const blankIsAbsent = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const INT8_MAX = 2n ** 63n - 1n;

const historyQuery = z
  .object({
    namespace: z.preprocess(blankIsAbsent, z.string().max(64, 'Unknown namespace.').optional()),
    actor: z.preprocess(blankIsAbsent, z.string().trim().max(200, 'Use at most 200 characters.').optional()),
    type: z.preprocess(blankIsAbsent, z.enum(HISTORY_ENTITY_TYPES, { error: `Use one of: ${HISTORY_ENTITY_TYPES.join(', ')}.` }).optional()),
    from: z.preprocess(blankIsAbsent, instant(false).optional()),
    to: z.preprocess(blankIsAbsent, instant(true).optional()),
    cursor: z.preprocess(blankIsAbsent, z.string()
      .regex(/^[1-9]\d{0,18}$/, 'Use the link to older entries.')
      .transform((s) => BigInt(s))
      .refine((n) => n <= INT8_MAX, 'Use the link to older entries.')
      .optional()),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ['to'], message: 'The end must come after the start.' });

export type HistoryQuery = HistoryFilters & { raw: Record<string, string> };

/**
 * Parses `?namespace=&actor=&type=&from=&to=&cursor=` into filters, or a message naming
 * what is wrong. Repeated parameters count once (the first). `raw` holds the given
 * strings, to rebuild links and refill the form.
 */
export function parseHistoryQuery(
  input: URLSearchParams | Record<string, string | string[] | undefined>,
): { ok: true; query: HistoryQuery } | { ok: false; message: string } {
  const raw: Record<string, string> = {};
  const entries = input instanceof URLSearchParams ? [...input.entries()] : Object.entries(input);
  for (const [k, v] of entries) {
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value === 'string' && !(k in raw) && ['namespace', 'actor', 'type', 'from', 'to', 'cursor'].includes(k)) raw[k] = value;
  }
  const parsed = historyQuery.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join(' ') };
  }
  const q = parsed.data;
  return { ok: true, query: { namespaceId: q.namespace, actor: q.actor, entityType: q.type, from: q.from, to: q.to, cursor: q.cursor, raw } };
}
