import 'server-only';
import { getPrisma } from '@/lib/db';
import { AppError, isForeignKeyViolation, isTransactionStartTimeout, isUniqueViolation } from '@/lib/dal/errors';
import { bumpEpoch, type StateChangeEntry, type Tx } from '@/lib/dal/epoch';
import { recordAudit, type AuditActor, type AuditEntity, type AuditEntry } from '@/lib/dal/audit';
import { changed } from '@/lib/verify/invalidate';
import type { ChangeScope } from '@/lib/verify/types';

/** Which verify caches an entity's change makes stale (lib/verify/types.ts ChangeScope). */
const SCOPE_OF: Partial<Record<AuditEntity, ChangeScope>> = {
  namespace: 'routes',
  route: 'routes',
  policy: 'routes',
  service_account: 'accounts',
  directory_user: 'accounts',
  directory_group: 'accounts',
  signing_key: 'keys',
  // Read by the verify path for external tokens presented to a route (lib/verify/external.ts).
  trusted_issuer: 'routes',
  trust_rule: 'routes',
};

/**
 * What the verify path reads (lib/dal/verify-store.ts): a change to any of these moves the
 * state version, so every instance (and, later, every verifier) drops what it cached.
 * Namespaces decide route scope; directory users and groups carry an impersonating
 * account's email and groups; signing keys verify tokens.
 */
export const VERIFY_STATE: ReadonlySet<AuditEntity> = new Set<AuditEntity>([
  'namespace',
  'service_account',
  'route',
  'policy',
  'signing_key',
  'directory_user',
  'directory_group',
  'trusted_issuer',
  'trust_rule',
]);

export interface Mutation {
  readonly tx: Tx;
  /**
   * Records one Change History entry in this transaction. Recording an entity the verify
   * path reads is what moves the state version: a mutation cannot change verify state and
   * forget to tell the verifiers, since every mutation records what it changed.
   */
  record(actor: AuditActor, entry: AuditEntry, opts?: { affectsVerify?: boolean }): Promise<void>;
  /** Moves the state version without a history entry (e.g. a SCIM write whose entries are capped). */
  touchVerifyState(): void;
}

export interface MutationOptions {
  /** The error a unique violation amounts to (a lost race with a concurrent write): an AppError, or a protocol's own (SCIM). */
  unique?: Error | ((err: unknown) => Error);
  /** The error a foreign-key violation amounts to (a referenced row deleted meanwhile). */
  foreignKey?: Error | ((err: unknown) => Error);
}

const make = (e: Error | ((err: unknown) => Error), err: unknown) => (typeof e === 'function' ? e(err) : e);

/**
 * How long a mutation may wait for its turn (a connection; on the embedded database, the
 * one connection). Prisma's default, 2 s, turned a burst of writes on one key (50 browsers
 * creating the same user ID or route, tests/faults/races.test.ts) into generic errors for
 * the last in line instead of the conflict each one should be told about.
 */
const TURN_WAIT_MS = 15_000;

/**
 * The one way to change data: `$transaction → authorize → write → record → bump the state
 * version → changed()`. `fn` authorizes with `m.tx` (on the embedded database the
 * transaction holds the only connection), writes, and records what it changed. The state
 * version moves inside the same transaction when something the verify path reads was
 * recorded; local caches are dropped after the commit. Unique and foreign-key violations
 * become the AppErrors the caller names, or a generic conflict.
 */
export async function mutate<T>(fn: (m: Mutation) => Promise<T>, options: MutationOptions = {}): Promise<T> {
  let touched: Set<ChangeScope> | null = null;
  let version: bigint | undefined;
  let result: T;
  try {
    result = await (await getPrisma()).$transaction(
      async (tx) => {
        const changes: StateChangeEntry[] = [];
        const scopes = new Set<ChangeScope>();
        const m: Mutation = {
          tx,
          async record(actor, entry, opts) {
            await recordAudit(tx, actor, entry);
            if (!(opts?.affectsVerify ?? VERIFY_STATE.has(entry.entityType))) return;
            const scope = SCOPE_OF[entry.entityType];
            if (scope) changes.push({ entity: entry.entityType, entityId: entry.entityId });
            else changes.push({ entity: 'all', entityId: null });
            scopes.add(scope ?? 'all');
          },
          touchVerifyState() {
            changes.push({ entity: 'all', entityId: null });
            scopes.add('all');
          },
        };
        const r = await fn(m);
        if (scopes.size) version = await bumpEpoch(tx, changes, scopes);
        touched = scopes.size ? (scopes.has('all') ? new Set(['all']) : scopes) : null;
        return r;
      },
      { maxWait: TURN_WAIT_MS },
    );
  } catch (err) {
    if (isTransactionStartTimeout(err))
      throw new AppError('unavailable', 'The console is too busy to save this right now. Please try again.');
    if (isUniqueViolation(err))
      throw options.unique
        ? make(options.unique, err)
        : new AppError('conflict', 'Someone else changed this at the same time. Reload and try again.');
    if (isForeignKeyViolation(err))
      throw options.foreignKey
        ? make(options.foreignKey, err)
        : new AppError('conflict', 'Something this refers to was changed or deleted meanwhile. Reload and try again.');
    throw err; // AppErrors and every other failure, as they are
  }
  if (touched) changed(touched, version);
  return result;
}
