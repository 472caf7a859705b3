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
 * Turns expected failures into messages a user can act on; unexpected ones are logged with
 * the action's name and the caller, and reported generically.
 */
async function settle<T>(
  action: string,
  run: (who: { userId: string | null }) => Promise<ActionResult<T>>,
): Promise<ActionResult<T>> {
  const who = { userId: null as string | null };
  try {
    return await run(who);
  } catch (err) {
    if (err instanceof AppError)
      return { ok: false, code: err.code, message: err.message, fieldErrors: err.fieldErrors };
    // redirect()/notFound() from next/navigation signal with a thrown error: let them through.
    if ((err as { digest?: string })?.digest?.startsWith('NEXT_')) throw err;
    log.error({ err, action, userId: who.userId }, `server action ${action} failed`);
    return { ok: false, code: 'error', message: 'Something went wrong on our side. Please try again.' };
  }
}

/** Validates with the same zod schema the form uses; field messages keyed by field path. */
async function validated<S extends z.ZodType, T>(
  schema: S,
  input: unknown,
  run: (input: z.infer<S>) => Promise<T>,
): Promise<ActionResult<T>> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      code: 'invalid',
      message: 'Please correct the highlighted fields.',
      fieldErrors: fieldErrorsOf(parsed.error),
    };
  }
  return { ok: true, data: await run(parsed.data) };
}

/**
 * Every server action is a public endpoint: this wrapper finds the caller before
 * anything else runs (anonymous → unauthorized, nothing read or written), then validates
 * the input and runs the handler.
 */
export function authedAction<S extends z.ZodType, T>(
  name: string,
  schema: S,
  handler: (input: z.infer<S>, actor: Actor) => Promise<T>,
): (input: unknown) => Promise<ActionResult<T>> {
  return (input: unknown) =>
    settle(name, async (who) => {
      const actor = await getActor();
      if (!actor) throw unauthorized();
      who.userId = actor.userId;
      return validated(schema, input, (data) => handler(data, actor));
    });
}

/**
 * For the rare action open to anonymous callers (the first-run setup): the handler
 * itself must decide whether the call is allowed.
 */
export function publicAction<S extends z.ZodType, T>(
  name: string,
  schema: S,
  handler: (input: z.infer<S>) => Promise<T>,
): (input: unknown) => Promise<ActionResult<T>> {
  return (input: unknown) => settle(name, () => validated(schema, input, handler));
}
