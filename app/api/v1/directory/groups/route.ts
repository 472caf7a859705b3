// GET /api/v1/directory/groups: the directory's groups (SCIM's and those named on users), cursor pages.
import { apiRoute } from '@/lib/api/handler';
import { json } from '@/lib/api/http';
import { pageOf, readQuery } from '@/lib/api/paging';
import { pagingQuery } from '@/lib/api/inputs';
import { toDirectoryGroup } from '@/lib/api/resources';
import { listDirectoryGroups } from '@/lib/dal/directory';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async ({ actor, url }) => {
  const q = readQuery(url, pagingQuery);
  const page = pageOf(await listDirectoryGroups(actor), (g) => g.name, q.limit, q.cursor);
  return json({ items: page.items.map(toDirectoryGroup), nextCursor: page.nextCursor });
});
