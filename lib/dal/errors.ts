// Expected failures, in words a user understands. Only these messages reach a browser;
// anything else is logged and shown as a generic error.
export class AppError extends Error {
  constructor(
    readonly code:
      | 'unauthorized'
      | 'forbidden'
      | 'not_found'
      | 'invalid'
      | 'conflict'
      | 'too_large'
      | 'unavailable'
      // REST API only: If-Match names a version the resource no longer has (lib/dal/versions.ts).
      | 'precondition_failed',
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const unauthorized = () => new AppError('unauthorized', 'You are not signed in.');
export const forbidden = (what = 'do that') => new AppError('forbidden', `You are not allowed to ${what}.`);
export const notFound = (what: string) => new AppError('not_found', `${what} was not found. It may have been deleted.`);
export const invalid = (message: string, fieldErrors?: Record<string, string[]>) =>
  new AppError('invalid', message, fieldErrors);
export const conflict = (message: string, fieldErrors?: Record<string, string[]>) =>
  new AppError('conflict', message, fieldErrors);

/** Prisma's unique-constraint violation, whichever adapter raised it. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as {
    code?: string;
    cause?: { code?: string };
    meta?: { driverAdapterError?: { cause?: { kind?: string } } };
  };
  return (
    e?.code === 'P2002' ||
    e?.cause?.code === '23505' ||
    e?.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation'
  );
}

/** Prisma's foreign-key violation (a row still referenced, or a parent that is gone). */
export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  return e?.code === 'P2003' || e?.meta?.driverAdapterError?.cause?.kind === 'ForeignKeyConstraintViolation';
}

/** Prisma could not start the transaction within its wait (every connection busy for that long). */
export function isTransactionStartTimeout(err: unknown): boolean {
  return (err as { code?: string })?.code === 'P2028' && /start a transaction/i.test((err as Error).message ?? '');
}
