import { z } from 'zod';

// The Change History's filters: the page, the CSV export and (later) the API take the same
// query string, parsed by one schema.

/** Entity types the history records (lib/dal/audit.ts AuditEntity). */
export const HISTORY_ENTITY_TYPES = [
  'namespace',
  'service_account',
  'route',
  'policy',
  'grant',
  'signing_key',
  'directory_user',
  'directory_group',
  'scim_token',
  'console_user',
  'identity_link',
  'verifier',
  'trusted_issuer',
  'trust_rule',
  'token_exchange',
  'api_key',
] as const;

export interface HistoryFilters {
  /** This namespace and its descendants. */
  namespaceId?: string;
  /** Part of the actor's email (case-insensitive). */
  actor?: string;
  entityType?: (typeof HISTORY_ENTITY_TYPES)[number];
  /** At or after this instant. */
  from?: Date;
  /** Before this instant. */
  to?: Date;
  /** Only entries older than this id (keyset pagination). */
  cursor?: bigint;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day (UTC) or an ISO 8601 instant; a day as upper bound means "through that day". */
const instant = (upper: boolean) =>
  z
    .string()
    .trim()
    .transform((s, ctx) => {
      const day = DAY.exec(s);
      if (day) {
        const t = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
        if (!Number.isNaN(t) && new Date(t).toISOString().startsWith(s)) return new Date(upper ? t + 86_400_000 : t);
      } else if (/^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s))) {
        return new Date(s);
      }
      ctx.addIssue({
        code: 'custom',
        message: 'Enter a date as YYYY-MM-DD or a time as ISO 8601 (2026-01-31T12:00:00Z).',
      });
      return z.NEVER;
    });

const blankIsAbsent = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const INT8_MAX = 2n ** 63n - 1n;

const historyQuery = z
  .object({
    namespace: z.preprocess(blankIsAbsent, z.string().max(64, 'Unknown namespace.').optional()),
    actor: z.preprocess(blankIsAbsent, z.string().trim().max(200, 'Use at most 200 characters.').optional()),
    type: z.preprocess(
      blankIsAbsent,
      z.enum(HISTORY_ENTITY_TYPES, { error: `Use one of: ${HISTORY_ENTITY_TYPES.join(', ')}.` }).optional(),
    ),
    from: z.preprocess(blankIsAbsent, instant(false).optional()),
    to: z.preprocess(blankIsAbsent, instant(true).optional()),
    cursor: z.preprocess(
      blankIsAbsent,
      z
        .string()
        .regex(/^[1-9]\d{0,18}$/, 'Use the link to older entries.')
        .transform((s) => BigInt(s))
        .refine((n) => n <= INT8_MAX, 'Use the link to older entries.')
        .optional(),
    ),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ['to'], message: 'The end must come after the start.' });

export type HistoryQuery = HistoryFilters & { raw: Record<string, string> };

/**
 * Parses `?namespace=&actor=&type=&from=&to=&cursor=` into filters, or a message naming
 * what is wrong. Repeated parameters count once (the first). `raw` holds the given
 * strings, to rebuild links and refill the form.
 */
export function parseHistoryQuery(
  input: URLSearchParams | Record<string, string | string[] | undefined>,
): { ok: true; query: HistoryQuery } | { ok: false; message: string } {
  const raw: Record<string, string> = {};
  const entries = input instanceof URLSearchParams ? [...input.entries()] : Object.entries(input);
  for (const [k, v] of entries) {
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value === 'string' && !(k in raw) && ['namespace', 'actor', 'type', 'from', 'to', 'cursor'].includes(k))
      raw[k] = value;
  }
  const parsed = historyQuery.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      message: parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join(' '),
    };
  }
  const q = parsed.data;
  return {
    ok: true,
    query: {
      namespaceId: q.namespace,
      actor: q.actor,
      entityType: q.type,
      from: q.from,
      to: q.to,
      cursor: q.cursor,
      raw,
    },
  };
}
