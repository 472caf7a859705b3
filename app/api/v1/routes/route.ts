// GET /api/v1/routes?namespaceId=: a namespace's routes (cursor pages); POST: create a route (the console's route form + namespaceId).
import { apiRoute } from '@/lib/api/handler';
import { etagOf, json } from '@/lib/api/http';
import { readObject, validate } from '@/lib/api/body';
import { pageOf, readQuery } from '@/lib/api/paging';
import { namespaceScopedQuery } from '@/lib/api/inputs';
import { toRoute } from '@/lib/api/resources';
import { createRoute, getRoute, listRoutes } from '@/lib/dal/routes';
import { createRouteSchema } from '@/lib/schemas/route';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async ({ actor, url }) => {
  const q = readQuery(url, namespaceScopedQuery);
  const page = pageOf(await listRoutes(actor, q.namespaceId), (r) => r.id, q.limit, q.cursor);
  return json({ items: page.items.map(toRoute), nextCursor: page.nextCursor });
});

export const POST = apiRoute(async ({ actor, req }) => {
  const { namespaceId, ...input } = validate(createRouteSchema, await readObject(req));
  const { id } = await createRoute(actor, namespaceId, input);
  const route = await getRoute(actor, id);
  return json(toRoute(route), {
    status: 201,
    etag: etagOf(route.id, route.updatedAt),
    location: `/api/v1/routes/${id}`,
  });
});
