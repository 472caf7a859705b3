import 'server-only';
import { versionOf } from '@/lib/dal/versions';
import type { IfMatch } from '@/lib/dal/versions';

// JSON answers of the REST API: never cached (they depend on the caller), with an ETag on
// single resources.

/** The entity tag of a resource version (a strong validator). */
export const etagOf = (id: string, changedAt: Date) => `"${versionOf(id, changedAt)}"`;

export function json(
  body: unknown,
  opts: { status?: number; etag?: string; location?: string; headers?: Record<string, string> } = {},
): Response {
  return new Response(JSON.stringify(body), {
    status: opts.status ?? 200,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      ...(opts.etag ? { etag: opts.etag } : {}),
      ...(opts.location ? { location: opts.location } : {}),
      ...opts.headers,
    },
  });
}

export const noContent = () => new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });

/**
 * If-Match (RFC 9110 §13.1.1): `*`, or a list of entity tags compared strongly (a weak
 * tag matches nothing). Absent: the write proceeds whatever the version.
 */
export function parseIfMatch(header: string | null): IfMatch {
  if (header === null) return undefined;
  const h = header.trim();
  if (h === '*') return '*';
  const tags: string[] = [];
  for (const part of h.split(',')) {
    const m = /^\s*"([^"]*)"\s*$/.exec(part);
    if (m) tags.push(m[1]!);
  }
  return tags;
}
