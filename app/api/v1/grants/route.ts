// GET /api/v1/grants?namespaceId=: the roles that hold in a namespace (own and inherited); POST: grant one (user, group or service account).
import { apiRoute } from '@/lib/api/handler';
import { json } from '@/lib/api/http';
import { readObject, validate } from '@/lib/api/body';
import { pageOf, readQuery } from '@/lib/api/paging';
import { namespaceScopedQuery } from '@/lib/api/inputs';
import { toGrant } from '@/lib/api/resources';
import { addGrant, listGrants } from '@/lib/dal/grants';
import { notFound } from '@/lib/dal/errors';
import { addGrantSchema } from '@/lib/schemas/grant';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async ({ actor, url }) => {
  const q = readQuery(url, namespaceScopedQuery);
  const page = pageOf(await listGrants(actor, q.namespaceId), (g) => g.id, q.limit, q.cursor);
  return json({ items: page.items.map(toGrant), nextCursor: page.nextCursor });
});

export const POST = apiRoute(async ({ actor, req }) => {
  const input = validate(addGrantSchema, await readObject(req));
  const { id } = await addGrant(actor, input);
  const grant = (await listGrants(actor, input.namespaceId)).find((g) => g.id === id);
  if (!grant) throw notFound('The grant');
  return json(toGrant(grant), { status: 201 });
});
