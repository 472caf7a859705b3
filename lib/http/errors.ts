import 'server-only';
import { AppError } from '@/lib/dal/errors';
import { log } from '@/lib/log';

/** The one mapping from AppError codes to HTTP statuses, for every route handler. */
export const STATUS_OF: Record<AppError['code'], number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  too_large: 413,
  unavailable: 503,
  precondition_failed: 412,
};

/**
 * An error as `application/problem+json` (RFC 9457): `code` is the AppError code, field
 * errors travel as `errors`. Unexpected errors are logged with `context` and answered 500
 * without internals.
 */
export function problem(err: unknown, context: { route: string; userId?: string | null }): Response {
  if (err instanceof AppError) {
    const status = STATUS_OF[err.code];
    return Response.json(
      {
        type: 'about:blank',
        title: err.message,
        status,
        code: err.code,
        ...(err.fieldErrors ? { errors: err.fieldErrors } : {}),
      },
      { status, headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' } },
    );
  }
  log.error({ err, route: context.route, userId: context.userId ?? null }, 'request failed unexpectedly');
  return Response.json(
    { type: 'about:blank', title: 'Something went wrong on our side. Please try again.', status: 500, code: 'error' },
    { status: 500, headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' } },
  );
}
