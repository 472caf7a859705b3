import 'server-only';
import type { Db } from '@/lib/db';

/** The client inside an interactive transaction (with the same global omit as Db). */
export type Tx = Omit<Db, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** The channel on which each new state version is announced (payload `<version>:<scope>,…`). */
export const STATE_CHANNEL = 'postern_state';

/** One thing a state version changed: an audit entity type and id, or `all` (unknown). */
export interface StateChangeEntry {
  entity: string;
  entityId: string | null;
}

/**
 * Moves the state version inside the caller's transaction (lib/dal/mutation.ts calls it
 * for every change the verify path caches), logs what it changed for the verifiers' change
 * stream, and announces it: NOTIFY is delivered on commit, so other console instances on
 * PostgreSQL drop their caches at once; the epoch poll (≤ 1 s) remains the fallback.
 */
export async function bumpEpoch(tx: Tx, changes: StateChangeEntry[], scopes: Iterable<string>): Promise<bigint> {
  const [row] = await tx.$queryRaw<{ version: bigint }[]>`
    UPDATE cache_epoch SET version = version + 1 WHERE id = 1 RETURNING version`;
  const version = row!.version;
  const list = changes.length ? changes : [{ entity: 'all', entityId: null }];
  await tx.stateChange.createMany({ data: list.map((c) => ({ version, entity: c.entity, entityId: c.entityId })) });
  await tx.$executeRaw`SELECT pg_notify(${STATE_CHANNEL}, ${`${version}:${[...scopes].join(',')}`})`;
  return version;
}
