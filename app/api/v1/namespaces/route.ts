// GET /api/v1/namespaces: the namespaces the caller holds a role on (?path= finds one by path); POST: create one.
import { apiRoute } from '@/lib/api/handler';
import { etagOf, json } from '@/lib/api/http';
import { readObject, validate } from '@/lib/api/body';
import { pageOf, readQuery } from '@/lib/api/paging';
import { namespacesQuery } from '@/lib/api/inputs';
import { toNamespace } from '@/lib/api/resources';
import { createNamespace, getNamespaceView, listReadableNamespaces } from '@/lib/dal/namespaces';
import { createNamespaceSchema } from '@/lib/schemas/namespace';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async ({ actor, url }) => {
  const q = readQuery(url, namespacesQuery);
  const all = await listReadableNamespaces(actor);
  const found = q.path === undefined ? all : all.filter((n) => n.path === q.path);
  const page = pageOf(found, (n) => n.id, q.limit, q.cursor);
  return json({ items: page.items.map(toNamespace), nextCursor: page.nextCursor });
});

export const POST = apiRoute(async ({ actor, req }) => {
  const input = validate(createNamespaceSchema, await readObject(req));
  const created = await createNamespace(actor, input.parentId, input.name);
  const ns = await getNamespaceView(actor, created.id);
  return json(toNamespace(ns), {
    status: 201,
    etag: etagOf(ns.id, ns.updatedAt),
    location: `/api/v1/namespaces/${encodeURIComponent(ns.id)}`,
  });
});
