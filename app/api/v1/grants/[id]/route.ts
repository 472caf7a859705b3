// DELETE /api/v1/grants/{id}: removes a role grant (Admin of its namespace; never the last Admin of Global).
import { apiRoute, uuidParam } from '@/lib/api/handler';
import { noContent } from '@/lib/api/http';
import { removeGrant } from '@/lib/dal/grants';

export const dynamic = 'force-dynamic';

export const DELETE = apiRoute<{ id: string }>(async ({ actor, params }) => {
  await removeGrant(actor, uuidParam(params.id, 'The grant'));
  return noContent();
});
