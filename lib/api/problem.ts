import 'server-only';
import { AppError } from '@/lib/dal/errors';
import { STATUS_OF } from '@/lib/http/errors';
import { log } from '@/lib/log';

// RFC 9457 problem details, the REST API's only error shape:
// { type: "https://postern.dev/problems/<code>", title, status, detail, errors? }.

export const PROBLEM_BASE = 'https://postern.dev/problems/';

export type ProblemCode = AppError['code'] | 'too_large' | 'unsupported_media_type' | 'throttled' | 'error';

const TITLES: Record<ProblemCode, string> = {
  invalid: 'The request is not valid',
  unauthorized: 'Authentication required',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  conflict: 'Conflict',
  precondition_failed: 'Precondition failed',
  too_large: 'Request body too large',
  unsupported_media_type: 'Unsupported media type',
  throttled: 'Too many failed attempts',
  unavailable: 'Temporarily unavailable',
  error: 'Internal error',
};

const STATUS: Record<ProblemCode, number> = {
  ...STATUS_OF,
  too_large: 413,
  unsupported_media_type: 415,
  throttled: 429,
  error: 500,
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Field path → messages, for validation errors only (the same messages the console's forms show). */
  errors?: Record<string, string[]>;
}

/** A problem+json answer; never cached. */
export function problemResponse(
  code: ProblemCode,
  detail: string,
  opts: { errors?: Record<string, string[]>; headers?: Record<string, string> } = {},
): Response {
  const status = STATUS[code];
  const body: Problem = {
    type: `${PROBLEM_BASE}${code}`,
    title: TITLES[code],
    status,
    detail,
    ...(opts.errors ? { errors: opts.errors } : {}),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
      ...(code === 'unauthorized' ? { 'www-authenticate': 'Bearer realm="postern-api"' } : {}),
      ...opts.headers,
    },
  });
}

/** A failure thrown by a request that is not the caller's fault in words: expected ones keep their words, others are logged and answered 500. */
export function problemFromError(
  err: unknown,
  context: { method: string; path: string; actor?: string | null },
): Response {
  if (err instanceof ApiProblem) return problemResponse(err.code, err.message, { errors: err.errors });
  if (err instanceof AppError) {
    const errors = err.fieldErrors && Object.keys(err.fieldErrors).length ? err.fieldErrors : undefined;
    return problemResponse(err.code, err.message, { errors });
  }
  // Never the request's headers or body: they may hold the credential or a token.
  log.error(
    { err, method: context.method, path: context.path, actor: context.actor ?? null },
    'REST API request failed',
  );
  return problemResponse('error', 'Something went wrong on our side. Please try again later.');
}

/** An HTTP-level refusal raised inside a handler (bad JSON, body too large, bad query). */
export class ApiProblem extends Error {
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly errors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}
