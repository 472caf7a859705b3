// GET /api/console/history.csv: the change history the signed-in user may see, as CSV (same filters as /history).
import { getActor } from '@/lib/session';
import { AppError } from '@/lib/dal/errors';
import { problem } from '@/lib/http/errors';
import { exportHistory, parseHistoryQuery, type HistoryEntry } from '@/lib/dal/history';
import { log } from '@/lib/log';

export const dynamic = 'force-dynamic';

const MAX_ROWS = 50_000;
const HEADER = [
  'at',
  'actor',
  'action',
  'entity_type',
  'entity_id',
  'namespace_id',
  'namespace',
  'before',
  'after',
  'client_address',
];

/**
 * One CSV cell: RFC 4180 quoting, and a leading ' on anything a spreadsheet would run
 * as a formula (= + - @, and tab/CR which some spreadsheets strip before looking).
 */
function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const line = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;
const row = (e: HistoryEntry) =>
  line([
    e.at,
    e.actorEmail,
    e.action,
    e.entityType,
    e.entityId,
    e.namespaceId,
    e.namespaceName,
    e.before,
    e.after,
    e.clientAddress,
  ]);

export async function GET(request: Request) {
  const actor = await getActor();
  const route = 'GET /api/console/history.csv';
  if (!actor) return problem(new AppError('unauthorized', 'You are not signed in.'), { route });
  const parsed = parseHistoryQuery(new URL(request.url).searchParams);
  if (!parsed.ok) return problem(new AppError('invalid', parsed.message), { route, userId: actor.userId });

  let batches: AsyncGenerator<HistoryEntry[]>;
  try {
    // Checks permission before the first byte, so refusals get their own status code.
    batches = await exportHistory(actor, parsed.query, { max: MAX_ROWS });
  } catch (err) {
    return problem(err, { route, userId: actor.userId });
  }

  const encoder = new TextEncoder();
  let headerSent = false;
  // Pull-based: the next batch is read from the database only when the client has taken the last.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(line(HEADER)));
        return;
      }
      try {
        const next = await batches.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value.map(row).join('')));
      } catch (err) {
        // Headers are gone already: cutting the stream short is the only honest signal left.
        log.error({ err }, 'history export failed while streaming');
        controller.error(new Error('history export failed'));
      }
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="postern-history-${date}.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
