// Change history: who may see which entries, the filters, keyset pagination, the CSV
// export, and that nothing (not even raw SQL) can rewrite history.
import { describe, it, expect, vi, beforeAll } from 'vitest';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import * as history from '@/lib/dal/history';
import { listHistory, parseHistoryQuery } from '@/lib/dal/history';
import { makeAdmin, makeUserWithRole, makeUserWithoutRole } from './support/actors';
import { failure } from './support/helpers';

const session = vi.hoisted(() => ({ actor: null as null | { userId: string; email: string; groups: string[] } }));
vi.mock('@/lib/session', () => ({ getActor: async () => session.actor, requirePageActor: async () => session.actor }));

let admin: Actor;
let viewer: Actor; // Viewer of Prod / Payments only
const ns = { prod: '', payments: '', paymentsEu: '', billing: '' };
const ids: Record<string, string> = {};

async function namespace(name: string, parentId: string) {
  const prisma = await getPrisma();
  return (
    await prisma.namespace.create({ data: { name, nameKey: name.toLowerCase(), parentId }, select: { id: true } })
  ).id;
}

async function event(
  key: string,
  data: {
    namespaceId: string | null;
    actorEmail?: string;
    entityType?: string;
    entityId?: string;
    at?: Date;
    action?: string;
    before?: object;
    after?: object;
  },
) {
  const prisma = await getPrisma();
  const row = await prisma.auditEvent.create({
    data: {
      actorEmail: data.actorEmail ?? 'admin@example.com',
      action: data.action ?? 'update',
      entityType: data.entityType ?? 'service_account',
      entityId: data.entityId ?? key,
      namespaceId: data.namespaceId,
      at: data.at,
      before: data.before,
      after: data.after,
    },
  });
  ids[key] = row.id.toString();
  return row;
}

const keysOf = (entries: { id: string }[]) =>
  entries.map((e) => Object.entries(ids).find(([, id]) => id === e.id)?.[0]).filter(Boolean);

beforeAll(async () => {
  admin = await makeAdmin();
  ns.prod = await namespace('Prod', 'global');
  ns.payments = await namespace('Payments', ns.prod);
  ns.paymentsEu = await namespace('Payments EU', ns.payments);
  ns.billing = await namespace('Billing', ns.prod);
  viewer = await makeUserWithRole(ns.payments, 'viewer');
  await event('installWide', { namespaceId: null, entityType: 'signing_key' });
  await event('global', { namespaceId: 'global', entityType: 'policy' });
  await event('prod', { namespaceId: ns.prod });
  await event('payments', {
    namespaceId: ns.payments,
    actorEmail: 'Alice@Example.com',
    entityType: 'route',
    before: { name: 'a', host: 'x' },
    after: { name: 'b', host: 'x' },
  });
  await event('paymentsEu', { namespaceId: ns.paymentsEu, actorEmail: 'bob@example.com' });
  await event('billing', { namespaceId: ns.billing });
  await event('deletedNamespace', { namespaceId: 'ns-that-was-deleted' });
});

describe('who sees which entries', () => {
  it('a viewer of a child namespace sees its subtree, not a sibling, a parent, Global or install-wide entries', async () => {
    const { entries } = await listHistory(viewer, { limit: 200 });
    expect(keysOf(entries).sort()).toEqual(['payments', 'paymentsEu']);
    expect(entries.find((e) => e.id === ids.payments)).toMatchObject({
      namespaceId: ns.payments,
      namespaceName: 'Payments',
      actorEmail: 'Alice@Example.com',
      action: 'update',
      entityType: 'route',
      before: { name: 'a', host: 'x' },
      after: { name: 'b', host: 'x' },
    });
  });

  it('a viewer of Global sees everything, install-wide and deleted namespaces included', async () => {
    const globalViewer = await makeUserWithRole('global', 'viewer');
    const { entries } = await listHistory(globalViewer, { limit: 200 });
    expect(keysOf(entries)).toEqual(expect.arrayContaining(Object.keys(ids)));
    expect(entries.find((e) => e.id === ids.installWide)).toMatchObject({ namespaceId: null, namespaceName: null });
    expect(entries.find((e) => e.id === ids.deletedNamespace)).toMatchObject({ namespaceName: null });
  });

  it('a group grant counts like a user grant', async () => {
    await (await getPrisma()).grant.create({
      data: { namespaceId: ns.billing, role: 'viewer', groupName: 'billing-team' },
    });
    const member = await makeUserWithoutRole(['billing-team']);
    expect(keysOf((await listHistory(member)).entries)).toEqual(['billing']);
  });

  it('refuses anonymous callers and users without a role', async () => {
    expect((await failure(listHistory(null))).code).toBe('unauthorized');
    expect((await failure(listHistory(await makeUserWithoutRole()))).code).toBe('forbidden');
  });

  it('the namespace filter takes the subtree, and only where the actor may look', async () => {
    expect(keysOf((await listHistory(admin, { namespaceId: ns.payments })).entries).sort()).toEqual([
      'payments',
      'paymentsEu',
    ]);
    expect(keysOf((await listHistory(viewer, { namespaceId: ns.paymentsEu })).entries)).toEqual(['paymentsEu']);
    expect(keysOf((await listHistory(admin, { namespaceId: ns.prod })).entries).sort()).toEqual([
      'billing',
      'payments',
      'paymentsEu',
      'prod',
    ]);
    expect(keysOf((await listHistory(admin, { namespaceId: 'global', limit: 200 })).entries)).toContain('installWide');
    expect((await failure(listHistory(viewer, { namespaceId: ns.billing }))).code).toBe('forbidden');
    expect((await failure(listHistory(viewer, { namespaceId: ns.prod }))).code).toBe('forbidden');
    expect((await failure(listHistory(viewer, { namespaceId: 'global' }))).code).toBe('forbidden');
    expect((await failure(listHistory(admin, { namespaceId: 'no-such-namespace' }))).code).toBe('not_found');
  });
});

describe('filters and pagination', () => {
  it('filters by part of the actor email (any case) and by entity type', async () => {
    expect(keysOf((await listHistory(admin, { actor: 'ALICE@' })).entries)).toEqual(['payments']);
    expect(keysOf((await listHistory(admin, { entityType: 'signing_key' })).entries)).toEqual(['installWide']);
    expect(keysOf((await listHistory(viewer, { entityType: 'policy' })).entries)).toEqual([]);
  });

  it('filters by time: from inclusive, to exclusive', async () => {
    const sandbox = await namespace('Time', 'global');
    await event('jan1', { namespaceId: sandbox, at: new Date('2025-01-01T10:00:00Z') });
    await event('jan2', { namespaceId: sandbox, at: new Date('2025-01-02T10:00:00Z') });
    await event('jan3', { namespaceId: sandbox, at: new Date('2025-01-03T00:00:00Z') });
    const within = (from?: string, to?: string) =>
      listHistory(admin, {
        namespaceId: sandbox,
        from: from ? new Date(from) : undefined,
        to: to ? new Date(to) : undefined,
      }).then((r) => keysOf(r.entries));
    expect(await within('2025-01-02T00:00:00Z')).toEqual(['jan3', 'jan2']);
    expect(await within(undefined, '2025-01-02T10:00:00Z')).toEqual(['jan1']);
    expect(await within('2025-01-02T10:00:00Z', '2025-01-03T00:00:00Z')).toEqual(['jan2']);
  });

  it('pages newest first by id, without gaps or repeats, and caps a page at 200', async () => {
    const sandbox = await namespace('Paging', 'global');
    const prisma = await getPrisma();
    await prisma.auditEvent.createMany({
      data: Array.from({ length: 205 }, (_, i) => ({
        actorEmail: 'pager@example.com',
        action: 'create',
        entityType: 'route',
        entityId: `r${i}`,
        namespaceId: sandbox,
      })),
    });
    const seen: string[] = [];
    let cursor: bigint | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await listHistory(admin, { namespaceId: sandbox, limit: 80, cursor });
      seen.push(...page.entries.map((e) => e.entityId));
      if (!page.nextCursor) break;
      cursor = BigInt(page.nextCursor);
    }
    expect(seen).toHaveLength(205);
    expect(seen[0]).toBe('r204');
    expect(seen.at(-1)).toBe('r0');
    expect(new Set(seen).size).toBe(205);
    const big = await listHistory(admin, { namespaceId: sandbox, limit: 10_000 });
    expect(big.entries).toHaveLength(200);
    expect(big.nextCursor).not.toBeNull();
  });

  it('parses query strings, and names what is wrong', () => {
    const ok = parseHistoryQuery({
      namespace: 'prod',
      actor: ' alice ',
      type: 'route',
      from: '2025-01-02',
      to: '2025-01-02',
      cursor: '42',
    });
    expect(ok).toMatchObject({
      ok: true,
      query: { namespaceId: 'prod', actor: 'alice', entityType: 'route', cursor: 42n },
    });
    if (!ok.ok) throw new Error('unreachable');
    expect(ok.query.from?.toISOString()).toBe('2025-01-02T00:00:00.000Z');
    expect(ok.query.to?.toISOString()).toBe('2025-01-03T00:00:00.000Z'); // the whole "to" day
    expect(parseHistoryQuery(new URLSearchParams('namespace=&actor=&type=&from=&to='))).toMatchObject({
      ok: true,
      query: { namespaceId: undefined, from: undefined },
    });
    const bad = (q: string) => {
      const r = parseHistoryQuery(new URLSearchParams(q));
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.message;
    };
    expect(bad('from=yesterday')).toMatch(/^from: .*YYYY-MM-DD/);
    expect(bad('from=2025-02-30')).toMatch(/^from:/);
    expect(bad('type=secret')).toMatch(/^type: Use one of: namespace/);
    expect(bad('cursor=-1')).toMatch(/^cursor:/);
    expect(bad('cursor=99999999999999999999')).toMatch(/^cursor:/);
    expect(bad('from=2025-03-01&to=2025-02-01')).toMatch(/^to: The end must come after the start/);
  });
});

describe('history is append-only', () => {
  it('refuses UPDATE, DELETE and TRUNCATE from any client, leaving the entry as it was', async () => {
    const prisma = await getPrisma();
    const id = BigInt(ids.payments!);
    await expect(
      prisma.$executeRawUnsafe(`UPDATE audit_events SET actor_email = 'forger@example.com' WHERE id = ${id}`),
    ).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRawUnsafe(`DELETE FROM audit_events WHERE id = ${id}`)).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRawUnsafe('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    await expect(
      prisma.auditEvent.update({ where: { id }, data: { actorEmail: 'forger@example.com' } }),
    ).rejects.toThrow();
    await expect(prisma.auditEvent.deleteMany({})).rejects.toThrow();
    expect(await prisma.auditEvent.findUnique({ where: { id } })).toMatchObject({ actorEmail: 'Alice@Example.com' });
  });

  it('the history module offers no way to change an entry', () => {
    expect(Object.keys(history).filter((k) => /update|delete|remove|edit|purge|clear/i.test(k))).toEqual([]);
  });
});

/** A minimal RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell || row.length) throw new Error(`unterminated last line: ${JSON.stringify(cell)}`);
  return rows;
}

describe('GET /api/console/history.csv', () => {
  const get = async (query = '') => {
    const { GET } = await import('@/app/api/console/history.csv/route');
    return GET(new Request(`http://console.test/api/console/history.csv${query}`));
  };
  const HEADER = 'at,actor,action,entity_type,entity_id,namespace_id,namespace,before,after,client_address';

  it('answers 401 to anonymous callers and 403 to users without a role', async () => {
    session.actor = null;
    const anon = await get();
    expect(anon.status).toBe(401);
    expect(anon.headers.get('content-type')).toBe('application/problem+json');
    expect(await anon.json()).toMatchObject({ status: 401, code: 'unauthorized' });
    session.actor = await makeUserWithoutRole();
    expect((await get()).status).toBe(403);
  });

  it('answers 400 with a clear message for bad filters, 403/404 for namespaces out of reach', async () => {
    session.actor = viewer;
    const bad = await get('?from=last-tuesday');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { title: string }).title).toMatch(/from: Enter a date/);
    expect((await get('?cursor=abc')).status).toBe(400);
    expect((await get(`?namespace=${ns.billing}`)).status).toBe(403);
    expect((await get('?namespace=nope')).status).toBe(404);
  });

  it('streams what the caller may see as a CSV attachment, quoted per RFC 4180', async () => {
    session.actor = viewer;
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="postern-history-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe(HEADER);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(HEADER.split(','));
    expect(
      rows
        .slice(1)
        .map((r) => r[4])
        .sort(),
    ).toEqual(['payments', 'paymentsEu']);
    const payments = rows.find((r) => r[4] === 'payments')!;
    expect(payments.slice(1, 7)).toEqual(['Alice@Example.com', 'update', 'route', 'payments', ns.payments, 'Payments']);
    expect(JSON.parse(payments[7]!)).toEqual({ name: 'a', host: 'x' });
    // JSON quotes doubled inside a quoted cell (jsonb stores keys in its own order).
    expect(text).toContain(',"{""host"":""x"",""name"":""a""}","{""host"":""x"",""name"":""b""}",\r\n'); // no client address recorded
  });

  it('defuses cells a spreadsheet would run as formulas, and keeps commas and line breaks in their cell', async () => {
    const sandbox = await namespace('Injection', 'global');
    await event('formula', {
      namespaceId: sandbox,
      actorEmail: '=HYPERLINK("http://evil.example","x")',
      entityId: '+1+1',
      after: { note: 'a,b\r\nc' },
    });
    await event('minus', { namespaceId: sandbox, actorEmail: '@SUM(A1)', entityId: '-2' });
    session.actor = admin;
    const res = await get(`?namespace=${sandbox}`);
    const rows = parseCsv(await res.text());
    expect(rows.slice(1).map((r) => [r[1], r[4]])).toEqual([
      ["'@SUM(A1)", "'-2"],
      ['\'=HYPERLINK("http://evil.example","x")', "'+1+1"],
    ]);
    expect(JSON.parse(rows[2]![8]!)).toEqual({ note: 'a,b\r\nc' });
  });

  it('applies the same filters as the page', async () => {
    session.actor = admin;
    const rows = parseCsv(await (await get(`?namespace=${ns.prod}&actor=bob&type=service_account`)).text());
    expect(rows.slice(1).map((r) => r[4])).toEqual(['paymentsEu']);
  });

  it('refuses an export larger than its limit with a clear message instead of a shortened file', async () => {
    const err = await failure(history.exportHistory(admin, {}, { max: 2 }));
    expect(err.code).toBe('invalid');
    expect(err.message).toMatch(/More than 2 entries match: narrow the filters/);
    // The same filters narrowed to what fits: exported whole.
    const batches = await history.exportHistory(viewer, {}, { max: 2 });
    const got = [];
    for await (const b of batches) got.push(...b);
    expect(got).toHaveLength(2);
  });
});
