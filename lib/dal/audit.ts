import 'server-only';
import type { Tx } from '@/lib/dal/epoch';
import type { Actor } from '@/lib/dal/actor';

export type AuditEntity = 'namespace' | 'service_account' | 'route' | 'policy' | 'grant' | 'signing_key' | 'directory_user' | 'directory_group' | 'scim_token';

/** Who made a change: a console user, a SCIM client (by token name), or the system. */
export type AuditActor = Actor | { scim: string } | 'system';

// Never recorded, whatever a caller passes: history must not hold a secret.
const SECRET_KEYS = new Set(['token', 'jwt', 'password', 'passwordHash', 'privateSealed', 'privateJwk', 'tokenHash', 'secret']);

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

/**
 * Appends one change-history entry inside the caller's transaction, so a change and its
 * record commit (or roll back) together. The table refuses UPDATE and DELETE.
 */
export async function recordAudit(
  tx: Tx,
  actor: AuditActor,
  entry: { action: 'create' | 'update' | 'delete'; entityType: AuditEntity; entityId: string; namespaceId?: string | null; before?: unknown; after?: unknown },
): Promise<void> {
  const who = actor === 'system'
    ? { actorId: null, actorEmail: 'system' }
    : 'scim' in actor ? { actorId: null, actorEmail: `scim:${actor.scim}` } : { actorId: actor.userId, actorEmail: actor.email };
  await tx.auditEvent.create({
    data: {
      ...who,
      action: entry.action, entityType: entry.entityType, entityId: entry.entityId, namespaceId: entry.namespaceId ?? null,
      before: (scrub(entry.before) ?? undefined) as object | undefined,
      after: (scrub(entry.after) ?? undefined) as object | undefined,
    },
  });
}
