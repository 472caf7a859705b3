// Options and output shared by the commands.
import { stringOption, type CommandSpec, type OptionSpec, type Parsed } from '../args';
import type { ApiClient } from '../client';
import type { Context } from '../context';
import type { Namespace } from '../types';
import { resolveNamespace } from '../resolve';
import { usageError } from '../errors';
import { formatJson, formatTable, type Column } from '../output';

export const namespaceOption = (required: boolean, description?: string): OptionSpec => ({
  type: 'string',
  short: 'n',
  value: '<path|id>',
  required,
  description:
    description ?? 'The namespace: its path from the root as the console shows it (Global/payments) or its id.',
});

export const outputOption: OptionSpec = {
  type: 'string',
  short: 'o',
  value: '<format>',
  choices: ['table', 'json'],
  default: 'table',
  description: 'table for people, json (an array) for programs.',
};

export const limitOption: OptionSpec = {
  type: 'string',
  value: '<n>',
  description: 'At most this many items (default: all; pages are followed).',
};

export function limitOf(input: Parsed): number {
  const raw = stringOption(input, 'limit');
  if (raw === undefined) return Number.POSITIVE_INFINITY;
  if (!/^[1-9]\d{0,6}$/.test(raw)) throw usageError(`--limit ${raw}: use a whole number, 1 or more`);
  return Number(raw);
}

/** A listing on stdout in the chosen format; an empty table is a note on stderr instead. */
export function emitList<T>(
  ctx: Context,
  input: Parsed,
  items: readonly T[],
  columns: readonly Column<T>[],
  noun: string,
): void {
  if (stringOption(input, 'output') === 'json') ctx.io.stdout(formatJson(items));
  else if (items.length) ctx.io.stdout(formatTable(items, columns));
  else ctx.note(`No ${noun}.`);
}

/** One resource on stdout: as JSON with `--output json`, else its id alone (for `$(…)`). */
export function emitCreated(ctx: Context, input: Parsed, resource: { id: string }): void {
  ctx.io.stdout(stringOption(input, 'output') === 'json' ? formatJson(resource) : `${resource.id}\n`);
}

/**
 * A per-namespace list (routes, policies): one namespace's, or, without one, every
 * readable namespace's in turn (the API lists them one namespace at a time).
 */
export async function listPerNamespace<T extends { id: string }>(
  api: ApiClient,
  path: string,
  namespaceId: string | undefined,
  max: number,
): Promise<T[]> {
  if (namespaceId !== undefined) return api.list<T>(path, { namespaceId }, max);
  const seen = new Map<string, T>();
  for (const ns of await api.list<Namespace>('/namespaces')) {
    for (const item of await api.list<T>(path, { namespaceId: ns.id }, max))
      if (!seen.has(item.id)) seen.set(item.id, item);
    if (seen.size >= max) break;
  }
  return [...seen.values()].slice(0, max);
}

/**
 * `<noun> list` for a per-namespace resource (routes, policies): `--namespace` (path or id;
 * default every readable namespace), `--limit`, `--output`, and the table's columns.
 */
export function namespacedListCommand<T extends { id: string }>(o: {
  path: readonly string[];
  summary: string;
  resource: string;
  noun: string;
  columns: readonly Column<T>[];
}): CommandSpec<Context> {
  return {
    path: [...o.path],
    summary: o.summary,
    options: {
      namespace: namespaceOption(false, 'Only this namespace (path or id); default: every namespace you can see.'),
      limit: limitOption,
      output: outputOption,
    },
    async run(ctx, input) {
      const api = ctx.api();
      const ns = stringOption(input, 'namespace');
      const namespaceId = ns === undefined ? undefined : (await resolveNamespace(api, ns)).id;
      const items = await listPerNamespace<T>(api, o.resource, namespaceId, limitOf(input));
      emitList(ctx, input, items, o.columns, o.noun);
    },
  };
}
