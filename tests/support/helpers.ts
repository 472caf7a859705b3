import { expect } from 'vitest';
import { AppError } from '@/lib/dal/errors';

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
