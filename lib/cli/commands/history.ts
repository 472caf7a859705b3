// postern history export.
import { stringOption, type CommandSpec } from '../args';
import type { Context } from '../context';
import { parseHistoryTime } from '../expires';
import { csvLine, type Column } from '../output';
import { resolveNamespace } from '../resolve';
import type { HistoryEntry } from '../types';
import { namespaceOption } from './common';
// The server's own list (client-safe: zod and constants only), so the two cannot drift.
import { HISTORY_ENTITY_TYPES } from '../../schemas/history';

/** The CSV columns: the entry's fields, before/after as JSON. */
export const HISTORY_CSV: readonly Column<HistoryEntry>[] = [
  { header: 'id', value: (e) => e.id },
  { header: 'at', value: (e) => e.at },
  { header: 'actor', value: (e) => e.actor },
  { header: 'action', value: (e) => e.action },
  { header: 'entity_type', value: (e) => e.entityType },
  { header: 'entity_id', value: (e) => e.entityId },
  { header: 'namespace_id', value: (e) => e.namespaceId },
  { header: 'summary', value: (e) => e.summary },
  { header: 'before', value: (e) => e.before },
  { header: 'after', value: (e) => e.after },
];

const exportHistory: CommandSpec<Context> = {
  path: ['history', 'export'],
  usage:
    '--since <when> [--until <when>] [--namespace <path|id>] [--actor <text>] [--type <entity>] [--output jsonl|csv]',
  summary: 'Write the Change History entries of a period to stdout, every page, as JSON lines or CSV.',
  description: `Entries come newest first, as the API pages them; each page is written as it arrives.
A date means midnight UTC (as --until: through that day); a duration (24h, 7d) means that long ago.`,
  options: {
    since: {
      type: 'string',
      value: '<when>',
      required: true,
      description: 'From this time: 2026-01-31, 2026-01-31T12:00:00Z, or a duration ago (24h, 7d).',
    },
    until: { type: 'string', value: '<when>', description: 'Before this time (same forms).' },
    namespace: namespaceOption(false, 'Only this namespace and its descendants (path or id).'),
    actor: {
      type: 'string',
      value: '<text>',
      description: 'Only entries whose actor contains this (an email, api-key:<name>, …).',
    },
    type: {
      type: 'string',
      value: '<entity>',
      choices: HISTORY_ENTITY_TYPES,
      description: 'Only entries about this kind of thing.',
    },
    output: {
      type: 'string',
      short: 'o',
      value: '<format>',
      choices: ['jsonl', 'csv'],
      default: 'jsonl',
      description: 'jsonl: one JSON object a line; csv: RFC 4180 with a header row.',
    },
  },
  examples: [
    'postern history export --since 7d --output csv > history.csv',
    'postern history export --since 2026-11-01 --until 2026-11-30 --namespace Global/payments | jq -c \'select(.action == "revoke")\'',
  ],
  async run(ctx, input) {
    const now = ctx.io.now();
    const from = parseHistoryTime('--since', stringOption(input, 'since')!, now);
    const untilRaw = stringOption(input, 'until');
    const to = untilRaw === undefined ? undefined : parseHistoryTime('--until', untilRaw, now);
    const api = ctx.api();
    const ns = stringOption(input, 'namespace');
    const namespaceId = ns === undefined ? undefined : (await resolveNamespace(api, ns)).id;
    const csv = stringOption(input, 'output') === 'csv';
    if (csv) ctx.io.stdout(csvLine(HISTORY_CSV.map((c) => c.header)));
    let count = 0;
    for await (const items of api.pages<HistoryEntry>('/history', {
      from,
      to,
      namespaceId,
      actor: stringOption(input, 'actor'),
      entityType: stringOption(input, 'type'),
    })) {
      ctx.io.stdout(
        items.map((e) => (csv ? csvLine(HISTORY_CSV.map((c) => c.value(e))) : `${JSON.stringify(e)}\n`)).join(''),
      );
      count += items.length;
    }
    ctx.note(`Exported ${count} ${count === 1 ? 'entry' : 'entries'}.`);
  },
};

export const historyCommands = [exportHistory];
