// GET|PATCH|DELETE /api/v1/routes/{id}: read (ETag); change any form fields (merged, validated as the form; If-Match); delete (If-Match).
import { apiRoute, uuidParam } from '@/lib/api/handler';
import { etagOf, json, noContent, parseIfMatch } from '@/lib/api/http';
import { readObject, validate } from '@/lib/api/body';
import { toRoute } from '@/lib/api/resources';
import { deleteRoute, getRoute, updateRoute } from '@/lib/dal/routes';
import { routeFormSchema } from '@/lib/schemas/route';

export const dynamic = 'force-dynamic';
type P = { id: string };

export const GET = apiRoute<P>(async ({ actor, params }) => {
  const route = await getRoute(actor, uuidParam(params.id, 'The route'));
  return json(toRoute(route), { etag: etagOf(route.id, route.updatedAt) });
});

export const PATCH = apiRoute<P>(async ({ actor, params, req }) => {
  const id = uuidParam(params.id, 'The route');
  const body = await readObject(req);
  const current = await getRoute(actor, id);
  const values = validate(routeFormSchema, {
    name: current.name,
    from: current.from,
    to: current.to.join('\n'),
    policyIds: current.policies.map((p) => p.id),
    acceptExternalTokens: current.acceptExternalTokens,
    ...body,
    ...(Array.isArray(body.to) ? { to: body.to.join('\n') } : {}),
  });
  await updateRoute(actor, id, values, { ifMatch: parseIfMatch(req.headers.get('if-match')) });
  const route = await getRoute(actor, id);
  return json(toRoute(route), { etag: etagOf(route.id, route.updatedAt) });
});

export const DELETE = apiRoute<P>(async ({ actor, params, req }) => {
  await deleteRoute(actor, uuidParam(params.id, 'The route'), { ifMatch: parseIfMatch(req.headers.get('if-match')) });
  return noContent();
});
