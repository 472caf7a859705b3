// POST /api/v1/service-accounts/{id}/rotate: issues the next token (answered once); the old one lives for the grace chosen.
import { apiRoute, uuidParam } from '@/lib/api/handler';
import { etagOf, json } from '@/lib/api/http';
import { readObject, validate } from '@/lib/api/body';
import { toServiceAccount } from '@/lib/api/resources';
import { rotateServiceAccount } from '@/lib/dal/rotation';
import { rotateServiceAccountSchema } from '@/lib/schemas/rotation';

export const dynamic = 'force-dynamic';

export const POST = apiRoute<{ id: string }>(async ({ actor, params, req }) => {
  const id = uuidParam(params.id, 'The service account');
  const input = validate(rotateServiceAccountSchema, { ...(await readObject(req)), id });
  const { account, token } = await rotateServiceAccount(actor, input);
  return json({ serviceAccount: toServiceAccount(account), token }, { etag: etagOf(account.id, account.modifiedAt) });
});
