import 'server-only';
import { z } from 'zod';
import { ApiProblem } from '@/lib/api/problem';
import { fieldErrorsOf } from '@/lib/api/body';

// Cursor pages: `?limit=` (1–200, default 50) and `?cursor=`, answered with
// `{ items, nextCursor }`. A cursor is opaque to callers (base64url of the last key seen);
// lists are ordered by a unique key, so a page never repeats or skips an item because
// others were added meanwhile.

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export const limitSchema = z.coerce
  .number({ error: 'Use a whole number from 1 to 200.' })
  .int('Use a whole number from 1 to 200.')
  .min(1, 'Use a whole number from 1 to 200.')
  .max(MAX_LIMIT, 'Use a whole number from 1 to 200.')
  .default(DEFAULT_LIMIT);

export const cursorSchema = z.string().max(1024).optional();

export const encodeCursor = (key: string) => Buffer.from(JSON.stringify({ k: key }), 'utf8').toString('base64url');

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown };
    if (typeof v?.k === 'string') return v.k;
  } catch {
    /* answered below */
  }
  throw new ApiProblem('invalid', 'The cursor is not one this API gave out.', {
    cursor: ['Use the nextCursor of the previous page.'],
  });
}

/** The query string validated by `schema` (first value of each parameter), or a 400 naming the parameters. */
export function readQuery<S extends z.ZodType>(url: URL, schema: S): z.output<S> {
  const raw: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in raw)) raw[k] = v;
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new ApiProblem(
      'invalid',
      'Please correct the query parameters named in errors.',
      fieldErrorsOf(parsed.error),
    );
  return parsed.data;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** One page of a whole list ordered by a unique `key` (compared as strings), after the cursor's key. */
export function pageOf<T>(all: T[], key: (t: T) => string, limit: number, cursor: string | undefined): Page<T> {
  const after = decodeCursor(cursor);
  const sorted = [...all].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((t) => key(t) > after);
  const items = rest.slice(0, limit);
  return { items, nextCursor: rest.length > limit ? encodeCursor(key(items[items.length - 1]!)) : null };
}
