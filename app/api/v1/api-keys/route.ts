// GET /api/v1/api-keys: the caller's own API keys; POST: create one (role cap no higher than the caller's), the key answered once.
import { apiRoute } from '@/lib/api/handler';
import { json } from '@/lib/api/http';
import { readObject, validate } from '@/lib/api/body';
import { pageOf, readQuery } from '@/lib/api/paging';
import { pagingQuery } from '@/lib/api/inputs';
import { toApiKey } from '@/lib/api/resources';
import { createApiKey, listApiKeys } from '@/lib/dal/api-keys';
import { createApiKeySchema } from '@/lib/schemas/api-key';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async ({ actor, url }) => {
  const q = readQuery(url, pagingQuery);
  const page = pageOf(await listApiKeys(actor), (k) => k.id, q.limit, q.cursor);
  return json({ items: page.items.map(toApiKey), nextCursor: page.nextCursor });
});

export const POST = apiRoute(async ({ actor, req }) => {
  const input = validate(createApiKeySchema, await readObject(req));
  const { apiKey, key } = await createApiKey(actor, input);
  return json({ apiKey: toApiKey(apiKey), key }, { status: 201, location: `/api/v1/api-keys/${apiKey.id}` });
});
