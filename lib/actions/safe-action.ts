import 'server-only';
import type { z } from 'zod';
import { getActor } from '@/lib/session';
import { AppError, unauthorized } from '@/lib/dal/errors';
import type { Actor } from '@/lib/dal/actor';
import { log } from '@/lib/log';

export type ActionResult<T = undefined> =
  | { ok: true; data: T }
  | { ok: false; code: AppError['code'] | 'error'; message: string; fieldErrors?: Record<string, string[]> };

function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_form';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/**
 * Every server action is a public endpoint: this wrapper finds the caller before
 * anything else runs (anonymous → unauthorized, nothing read or written), validates the
 * input with the same zod schema the form uses, and turns failures into messages a
 * user can act on. Unexpected errors are logged and reported generically.
 */
export function authedAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.infer<S>, actor: Actor) => Promise<T>,
): (input: unknown) => Promise<ActionResult<T>> {
  return async (input: unknown) => {
    try {
      const actor = await getActor();
      if (!actor) throw unauthorized();
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        return { ok: false, code: 'invalid', message: 'Please correct the highlighted fields.', fieldErrors: fieldErrorsOf(parsed.error) };
      }
      return { ok: true, data: await handler(parsed.data, actor) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, code: err.code, message: err.message, fieldErrors: err.fieldErrors };
      // redirect()/notFound() from next/navigation signal with a thrown error: let them through.
      if ((err as { digest?: string })?.digest?.startsWith('NEXT_')) throw err;
      log.error({ err }, 'server action failed');
      return { ok: false, code: 'error', message: 'Something went wrong on our side. Please try again.' };
    }
  };
}
