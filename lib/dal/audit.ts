import 'server-only';
import type { Tx } from '@/lib/dal/epoch';
import type { Actor } from '@/lib/dal/actor';
import { SECRET_FIELD_NAMES } from '@/lib/secret-fields';
import { GLOBAL_NAMESPACE_ID } from '@/lib/schemas/namespace';

export type AuditEntity =
  | 'namespace'
  | 'service_account'
  | 'route'
  | 'policy'
  | 'grant'
  | 'signing_key'
  | 'directory_user'
  | 'directory_group'
  | 'scim_token'
  | 'console_user'
  | 'identity_link'
  | 'verifier'
  | 'trusted_issuer'
  | 'trust_rule'
  | 'token_exchange'
  | 'api_key';

/**
 * Who made a change: a console user, a SCIM client (by token name), a workload that
 * exchanged its platform token (by issuer and subject), or the system.
 */
export type AuditActor =
  | Actor
  | { scim: string; address?: string | null }
  | { workload: string; address?: string | null }
  | 'system';

// Never recorded, whatever a caller passes: history must not hold a secret.
const SECRET_KEYS = SECRET_FIELD_NAMES;

/** A value as the history may keep it: secrets dropped by name, dates as ISO strings. */
export function scrubForHistory(value: unknown): unknown {
  return scrub(value);
}

function scrub(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(scrub);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (!SECRET_KEYS.has(k)) out[k] = scrub(v);
    return out;
  }
  return value;
}

export interface AuditEntry {
  action: 'create' | 'update' | 'delete';
  entityType: AuditEntity;
  entityId: string;
  namespaceId?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * The entries about one entity, for `m.record(who, …)`:
 * `about('route', id, namespaceId).deleted(before)`.
 */
export const about = (entityType: AuditEntity, entityId: string, namespaceId: string | null) => ({
  created: (after: unknown): AuditEntry => ({ action: 'create', entityType, entityId, namespaceId, after }),
  updated: (before: unknown, after: unknown): AuditEntry => ({
    action: 'update',
    entityType,
    entityId,
    namespaceId,
    before,
    after,
  }),
  deleted: (before: unknown): AuditEntry => ({ action: 'delete', entityType, entityId, namespaceId, before }),
});

/** An entry about a console user: users are install-wide, so their entries belong to Global. */
export const consoleUserEntry = (
  action: AuditEntry['action'],
  userId: string,
  values: Pick<AuditEntry, 'before' | 'after'>,
): AuditEntry => ({
  action,
  entityType: 'console_user',
  entityId: userId,
  namespaceId: GLOBAL_NAMESPACE_ID,
  ...values,
});

/** No history entry is larger than this (before and after together, as JSON). */
export const MAX_AUDIT_BYTES = 256 * 1024;
const KEEP_CHARS = 4096;

/**
 * Shortens the longest strings (a policy's text, say) until before + after fit the cap,
 * keeping each one's start and saying how long it was; the entity's current state is
 * always in its own table. Returns the values unchanged when they fit.
 */
export function capAuditValues(before: unknown, after: unknown, cap = MAX_AUDIT_BYTES): [unknown, unknown] {
  const size = () => Buffer.byteLength(JSON.stringify([before ?? null, after ?? null]));
  if (size() <= cap) return [before, after];
  const strings: { holder: Record<string, unknown> | unknown[]; key: string | number; length: number }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v))
      v.forEach((x, i) => {
        if (typeof x === 'string') strings.push({ holder: v, key: i, length: x.length });
        else walk(x);
      });
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (typeof x === 'string') strings.push({ holder: v as Record<string, unknown>, key: k, length: x.length });
        else walk(x);
      }
    }
  };
  walk(before);
  walk(after);
  strings.sort((a, b) => b.length - a.length);
  for (const s of strings) {
    if (s.length <= KEEP_CHARS) break;
    const text = (s.holder as Record<string | number, string>)[s.key]!;
    (s.holder as Record<string | number, string>)[s.key] =
      `${text.slice(0, KEEP_CHARS)}… [truncated in the history: ${Buffer.byteLength(text)} bytes in all]`;
    if (size() <= cap) return [before, after];
  }
  // Still too large (a huge list of short values): keep a note, never the oversized entry.
  const note = { truncated: true, note: `this change was larger than ${cap / 1024} KB and is not shown in full` };
  return [
    before === undefined || before === null ? before : note,
    after === undefined || after === null ? after : note,
  ];
}

/**
 * A console user as the history names them: by email; through the REST API, by the key
 * ("api-key:<name> (<owner email>)") or the service account ("service-account:<user ID>").
 */
export function actorOf(actor: Actor): { actorId: string | null; actorEmail: string } {
  if (actor.serviceAccount) return { actorId: null, actorEmail: `service-account:${actor.serviceAccount.userId}` };
  if (actor.apiKey) return { actorId: actor.userId, actorEmail: `api-key:${actor.apiKey.name} (${actor.email})` };
  return { actorId: actor.userId, actorEmail: actor.email };
}

/**
 * Appends one change-history entry inside the caller's transaction, so a change and its
 * record commit (or roll back) together. The table refuses UPDATE and DELETE.
 */
export async function recordAudit(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  const who =
    actor === 'system'
      ? { actorId: null, actorEmail: 'system' }
      : 'scim' in actor
        ? { actorId: null, actorEmail: `scim:${actor.scim}` }
        : 'workload' in actor
          ? { actorId: null, actorEmail: `workload:${actor.workload}` }
          : actorOf(actor);
  const [before, after] = capAuditValues(scrub(entry.before), scrub(entry.after));
  await tx.auditEvent.create({
    data: {
      ...who,
      clientAddress: actor === 'system' ? null : (actor.address ?? null),
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      namespaceId: entry.namespaceId ?? null,
      before: (before ?? undefined) as object | undefined,
      after: (after ?? undefined) as object | undefined,
    },
  });
}
