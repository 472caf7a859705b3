// GET|PATCH|DELETE /api/v1/namespaces/{id}: read (ETag), rename ({name}; If-Match), delete an empty namespace (If-Match).
import { apiRoute, namespaceParam } from '@/lib/api/handler';
import { etagOf, json, noContent, parseIfMatch } from '@/lib/api/http';
import { readObject, validate } from '@/lib/api/body';
import { toNamespace } from '@/lib/api/resources';
import { deleteNamespace, getNamespaceView, renameNamespace } from '@/lib/dal/namespaces';
import { namespaceNameSchema } from '@/lib/schemas/namespace';

export const dynamic = 'force-dynamic';
type P = { id: string };

export const GET = apiRoute<P>(async ({ actor, params }) => {
  const ns = await getNamespaceView(actor, namespaceParam(params.id));
  return json(toNamespace(ns), { etag: etagOf(ns.id, ns.updatedAt) });
});

export const PATCH = apiRoute<P>(async ({ actor, params, req }) => {
  const id = namespaceParam(params.id);
  const input = validate(namespaceNameSchema, await readObject(req));
  await renameNamespace(actor, id, input.name, { ifMatch: parseIfMatch(req.headers.get('if-match')) });
  const ns = await getNamespaceView(actor, id);
  return json(toNamespace(ns), { etag: etagOf(ns.id, ns.updatedAt) });
});

export const DELETE = apiRoute<P>(async ({ actor, params, req }) => {
  await deleteNamespace(actor, namespaceParam(params.id), { ifMatch: parseIfMatch(req.headers.get('if-match')) });
  return noContent();
});
