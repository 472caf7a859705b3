import 'server-only';
import type { z } from 'zod';
import { ApiProblem } from '@/lib/api/problem';
import { readCappedBody, sizeInWords } from '@/lib/http/body';

/** The largest JSON body the API reads (a policy's text is at most 256 KB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Validation messages by field path, as the server actions report them (lib/actions/safe-action.ts). */
export function fieldErrorsOf(error: z.ZodError, prefix: string[] = []): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = [...prefix, ...issue.path.map(String)].join('.') || '_form';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** The parsed value, or a 400 problem with the field errors of the same schema the console's forms use. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new ApiProblem('invalid', 'Please correct the fields named in errors.', fieldErrorsOf(parsed.error));
  return parsed.data;
}

/**
 * The request's JSON body: 415 unless it is sent as JSON, 413 beyond `max` bytes (read in
 * chunks and abandoned there, whatever Content-Length claims), 400 when it does not parse.
 * An empty body reads as `{}` when `optional`.
 */
export async function readJson(req: Request, opts: { max?: number; optional?: boolean } = {}): Promise<unknown> {
  const max = opts.max ?? MAX_BODY_BYTES;
  const body = await readCappedBody(req, max);
  if (!body.ok) throw new ApiProblem('too_large', `The body is larger than ${sizeInWords(max)}.`);
  const size = body.bytes.byteLength;
  if (size === 0) {
    if (opts.optional) return {};
    throw new ApiProblem('invalid', 'Send a JSON body.', { _form: ['The request has no body.'] });
  }
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(type))
    throw new ApiProblem('unsupported_media_type', 'Send the body as application/json.');
  const text = new TextDecoder('utf-8', { fatal: false }).decode(body.bytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiProblem('invalid', 'The body is not valid JSON.', { _form: ['The body is not valid JSON.'] });
  }
}

/** The body as an object (a JSON array or scalar is refused on the form). */
export async function readObject(req: Request, opts: { optional?: boolean } = {}): Promise<Record<string, unknown>> {
  const body = await readJson(req, opts);
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new ApiProblem('invalid', 'The body must be a JSON object.', { _form: ['The body must be a JSON object.'] });
  return body as Record<string, unknown>;
}
