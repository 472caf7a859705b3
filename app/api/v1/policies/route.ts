// GET /api/v1/policies?namespaceId=&name=: a namespace's policies in full; POST: create one (ppl as PPL text or a PPL JSON value).
import { apiRoute } from '@/lib/api/handler';
import { etagOf, json } from '@/lib/api/http';
import { readObject, validate } from '@/lib/api/body';
import { pageOf, readQuery } from '@/lib/api/paging';
import { policiesQuery, pplAsText } from '@/lib/api/inputs';
import { toPolicy } from '@/lib/api/resources';
import { createPolicy, getPolicyView, listPolicyViews } from '@/lib/dal/policies';
import { createPolicySchema } from '@/lib/schemas/policy';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async ({ actor, url }) => {
  const q = readQuery(url, policiesQuery);
  const all = await listPolicyViews(actor, q.namespaceId, { name: q.name });
  const page = pageOf(all, (p) => p.id, q.limit, q.cursor);
  return json({ items: page.items.map(toPolicy), nextCursor: page.nextCursor });
});

export const POST = apiRoute(async ({ actor, req }) => {
  const { namespaceId, ...values } = validate(createPolicySchema, pplAsText(await readObject(req)));
  const { id } = await createPolicy(actor, namespaceId, values);
  const policy = await getPolicyView(actor, id);
  return json(toPolicy(policy), {
    status: 201,
    etag: etagOf(policy.id, policy.updatedAt),
    location: `/api/v1/policies/${id}`,
  });
});
