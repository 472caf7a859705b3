// POST /api/v1/service-accounts/{id}/revoke: deletes the account, so none of its tokens verifies again (If-Match honoured).
import { apiRoute, uuidParam } from '@/lib/api/handler';
import { json, parseIfMatch } from '@/lib/api/http';
import { revokeServiceAccount } from '@/lib/dal/service-accounts';

export const dynamic = 'force-dynamic';

export const POST = apiRoute<{ id: string }>(async ({ actor, params, req }) => {
  const id = uuidParam(params.id, 'The service account');
  await revokeServiceAccount(actor, id, { ifMatch: parseIfMatch(req.headers.get('if-match')) });
  return json({ id, revoked: true });
});
