// DELETE /api/v1/api-keys/{id}: revokes one of the caller's keys; it stops working at once.
import { apiRoute, uuidParam } from '@/lib/api/handler';
import { json } from '@/lib/api/http';
import { toApiKey } from '@/lib/api/resources';
import { revokeApiKey } from '@/lib/dal/api-keys';

export const dynamic = 'force-dynamic';

export const DELETE = apiRoute<{ id: string }>(async ({ actor, params }) => {
  return json(toApiKey(await revokeApiKey(actor, uuidParam(params.id, 'The API key'))));
});
