import 'server-only';
import type { Db } from '@/lib/db';

/** The client inside an interactive transaction (with the same global omit as Db). */
export type Tx = Omit<Db, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/**
 * Bumps the cache epoch inside the caller's transaction. Every change the verify path
 * caches (accounts, keys, routes, policies) calls this, so other instances sharing the
 * database see the change on their next poll (≤ 1 s) and drop their caches.
 */
export async function bumpEpoch(tx: Tx): Promise<void> {
  await tx.$executeRaw`UPDATE cache_epoch SET version = version + 1 WHERE id = 1`;
}
