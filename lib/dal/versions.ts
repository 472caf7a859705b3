import 'server-only';
import { createHash } from 'node:crypto';
import type { Tx } from '@/lib/dal/epoch';
import { AppError } from '@/lib/dal/errors';

// Optimistic concurrency for the REST API (ETag / If-Match): a resource's version is an
// opaque digest of its id and last-change time, which every write moves (Prisma's
// @updatedAt). A write given the versions its caller saw locks the row first, then compares
// inside the same transaction, so no concurrent edit can slip between check and write.

/** The opaque version of a resource (the ETag's value, without quotes). */
export const versionOf = (id: string, changedAt: Date): string =>
  createHash('sha256').update(`${id}\u0000${changedAt.toISOString()}`).digest('base64url').slice(0, 27);

/** The versions a caller saw (If-Match); `'*'` or absent: any version. */
export type IfMatch = readonly string[] | '*' | undefined;

export const preconditionFailed = () =>
  new AppError(
    'precondition_failed',
    'This was changed since you read it (If-Match names an older version). Read it again and retry.',
  );

const TABLES = {
  namespace: { table: 'namespaces', uuid: false },
  route: { table: 'routes', uuid: true },
  policy: { table: 'policies', uuid: true },
  service_account: { table: 'service_accounts', uuid: true },
} as const;

/**
 * When the caller named versions: locks the row for the rest of the transaction (a
 * concurrent writer waits), so what `before` reads next is what the write replaces.
 */
export async function lockForVersionCheck(tx: Tx, entity: keyof typeof TABLES, id: string, ifMatch: IfMatch) {
  if (!ifMatch || ifMatch === '*') return;
  const { table, uuid } = TABLES[entity];
  // Table names are fixed above; the id is a bound parameter.
  await tx.$executeRawUnsafe(`SELECT 1 FROM "${table}" WHERE id = $1${uuid ? '::uuid' : ''} FOR UPDATE`, id);
}

/** Refuses the write (412) when the current version is none of those the caller saw. */
export function checkVersion(id: string, changedAt: Date, ifMatch: IfMatch): void {
  if (!ifMatch || ifMatch === '*') return;
  if (!ifMatch.includes(versionOf(id, changedAt))) throw preconditionFailed();
}
