// GET /api/v1/service-accounts: accounts the caller may read (filters, cursor pages); POST: create one, answering its JWT once.
import { apiRoute } from '@/lib/api/handler';
import { encodeCursor, decodeCursor, readQuery } from '@/lib/api/paging';
import { etagOf, json } from '@/lib/api/http';
import { readObject, validate } from '@/lib/api/body';
import { serviceAccountsQuery } from '@/lib/api/inputs';
import { toServiceAccount } from '@/lib/api/resources';
import { createServiceAccount, pageServiceAccounts } from '@/lib/dal/service-accounts';
import { createServiceAccountSchema } from '@/lib/schemas/service-account';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async ({ actor, url }) => {
  const q = readQuery(url, serviceAccountsQuery);
  const { rows, more } = await pageServiceAccounts(actor, {
    namespaceId: q.namespaceId,
    q: q.q,
    state: q.state,
    limit: q.limit,
    after: decodeCursor(q.cursor),
  });
  return json({
    items: rows.map(toServiceAccount),
    nextCursor: more ? encodeCursor(rows[rows.length - 1]!.id) : null,
  });
});

export const POST = apiRoute(async ({ actor, req }) => {
  const input = validate(createServiceAccountSchema, await readObject(req));
  const { account, token } = await createServiceAccount(actor, input);
  return json(
    { serviceAccount: toServiceAccount(account), token },
    {
      status: 201,
      etag: etagOf(account.id, account.modifiedAt),
      location: `/api/v1/service-accounts/${account.id}`,
    },
  );
});
