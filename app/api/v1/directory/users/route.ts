// GET /api/v1/directory/users?q=: directory users (read only: SCIM and the console write them), cursor pages.
import { apiRoute } from '@/lib/api/handler';
import { json } from '@/lib/api/http';
import { decodeCursor, encodeCursor, readQuery } from '@/lib/api/paging';
import { directoryUsersQuery } from '@/lib/api/inputs';
import { toDirectoryUser } from '@/lib/api/resources';
import { pageDirectoryUsers } from '@/lib/dal/directory';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async ({ actor, url }) => {
  const q = readQuery(url, directoryUsersQuery);
  const { rows, more } = await pageDirectoryUsers(actor, { q: q.q, limit: q.limit, after: decodeCursor(q.cursor) });
  return json({ items: rows.map(toDirectoryUser), nextCursor: more ? encodeCursor(rows[rows.length - 1]!.id) : null });
});
