// GET /api/v1/history: the Change History the caller may read, newest first, with the page's and CSV's filters; cursor pages.
import { apiRoute } from '@/lib/api/handler';
import { json } from '@/lib/api/http';
import { ApiProblem } from '@/lib/api/problem';
import { decodeCursor, encodeCursor, readQuery } from '@/lib/api/paging';
import { pagingQuery } from '@/lib/api/inputs';
import { toHistoryEntry } from '@/lib/api/resources';
import { listHistory, parseHistoryQuery } from '@/lib/dal/history';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async ({ actor, url }) => {
  const { limit, cursor } = readQuery(url, pagingQuery);
  const p = url.searchParams;
  const after = decodeCursor(cursor);
  // The page's own parser: the API's names map onto its parameters.
  const parsed = parseHistoryQuery({
    namespace: p.get('namespaceId') ?? undefined,
    actor: p.get('actor') ?? undefined,
    type: p.get('entityType') ?? undefined,
    from: p.get('from') ?? undefined,
    to: p.get('to') ?? undefined,
    cursor: after,
  });
  if (!parsed.ok) throw new ApiProblem('invalid', parsed.message, { _query: [parsed.message] });
  const { entries, nextCursor } = await listHistory(actor, { ...parsed.query, limit });
  return json({ items: entries.map(toHistoryEntry), nextCursor: nextCursor ? encodeCursor(nextCursor) : null });
});
