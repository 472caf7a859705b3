// GET /api/console/history.csv: the change history the signed-in user may see, as CSV (same filters as /history).
import { getActor } from '@/lib/session';
import { AppError } from '@/lib/dal/errors';
import { exportHistory, parseHistoryQuery, type HistoryEntry } from '@/lib/dal/history';
import { log } from '@/lib/log';

export const dynamic = 'force-dynamic';

const MAX_ROWS = 50_000;
const HEADER = ['at', 'actor', 'action', 'entity_type', 'entity_id', 'namespace_id', 'namespace', 'before', 'after'];
const STATUS: Record<AppError['code'], number> = { unauthorized: 401, forbidden: 403, not_found: 404, invalid: 400, conflict: 409, unavailable: 503 };

const json = (status: number, body: Record<string, string>) =>
  Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } });

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
  line([e.at, e.actorEmail, e.action, e.entityType, e.entityId, e.namespaceId, e.namespaceName, e.before, e.after]);

export async function GET(request: Request) {
  const actor = await getActor();
  if (!actor) return json(401, { error: 'unauthorized' });
  const parsed = parseHistoryQuery(new URL(request.url).searchParams);
  if (!parsed.ok) return json(400, { error: 'invalid', message: parsed.message });

  let batches: AsyncGenerator<HistoryEntry[]>;
  try {
    // Checks permission before the first byte, so refusals get their own status code.
    batches = await exportHistory(actor, parsed.query, { max: MAX_ROWS });
  } catch (err) {
    if (err instanceof AppError) return json(STATUS[err.code], { error: err.code, message: err.message });
    log.error({ err }, 'history export failed');
    return json(500, { error: 'internal', message: 'Something went wrong on our side. Please try again.' });
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
    async cancel() { await batches.return(undefined); },
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
