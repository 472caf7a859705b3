import { expect } from 'vitest';
import { AppError } from '@/lib/dal/errors';
import { getPrisma } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';

/** A short random suffix that keeps names unique across tests sharing a database. */
export const uid = () => Math.random().toString(36).slice(2, 10);

/** The AppError a DAL call refused with; the test fails when the call succeeds or fails otherwise. */
export async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'expected a refusal (an AppError)').toBeInstanceOf(AppError);
  return err as AppError;
}

/** Each `entity_type:action` kind is among these Change History entries. */
export function expectEntryKinds(events: { entityType: string; action: string }[], kinds: string[]): void {
  const seen = new Set(events.map((e) => `${e.entityType}:${e.action}`));
  for (const k of kinds) expect(seen, k).toContain(k);
}

type Table = Uncapitalize<Prisma.ModelName>;

/** How many rows these tables hold: the same before and after, a refusal wrote nothing. */
export async function rowCounts(...tables: Table[]): Promise<number[]> {
  const prisma = await getPrisma();
  return Promise.all(tables.map((t) => (prisma[t] as unknown as { count(): Promise<number> }).count()));
}
