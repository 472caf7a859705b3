// GET|PATCH /api/v1/service-accounts/{id}: read one (ETag); change its description and/or disable/enable it (If-Match).
import { apiRoute, uuidParam } from '@/lib/api/handler';
import { etagOf, json, parseIfMatch } from '@/lib/api/http';
import { readObject, validate } from '@/lib/api/body';
import { patchServiceAccountSchema } from '@/lib/api/inputs';
import { toServiceAccount } from '@/lib/api/resources';
import { getServiceAccount, updateServiceAccount } from '@/lib/dal/service-accounts';

export const dynamic = 'force-dynamic';
type P = { id: string };

export const GET = apiRoute<P>(async ({ actor, params }) => {
  const a = await getServiceAccount(actor, uuidParam(params.id, 'The service account'));
  return json(toServiceAccount(a), { etag: etagOf(a.id, a.modifiedAt) });
});

export const PATCH = apiRoute<P>(async ({ actor, params, req }) => {
  const id = uuidParam(params.id, 'The service account');
  const patch = validate(patchServiceAccountSchema, await readObject(req));
  await updateServiceAccount(actor, id, patch, { ifMatch: parseIfMatch(req.headers.get('if-match')) });
  const a = await getServiceAccount(actor, id);
  return json(toServiceAccount(a), { etag: etagOf(a.id, a.modifiedAt) });
});
