import 'server-only';
import { revalidatePath } from 'next/cache';
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
 * The console pages an action's success makes stale, re-rendered with the response:
 * a path (that page), or a path and 'layout' (every page below it).
 */
export type Stale = string | readonly [path: string, type: 'layout'];

/** Every namespace page (/ns/…): what changes to accounts, routes and policies make stale. */
const NAMESPACE_PAGES: Stale = ['/ns', 'layout'];
/** Every page: the namespace tree and the caller's roles show on all of them. */
export const ALL_PAGES: Stale = ['/', 'layout'];

export function revalidate(stale: Stale): void {
  if (typeof stale === 'string') revalidatePath(stale);
  else revalidatePath(stale[0], stale[1]);
}

/**
 * Every server action is a public endpoint: this wrapper finds the caller before
 * anything else runs (anonymous → unauthorized, nothing read or written), then validates
 * the input and runs the handler; when it succeeds, the `stale` pages are revalidated.
 */
export function authedAction<S extends z.ZodType, T>(
  name: string,
  schema: S,
  handler: (input: z.infer<S>, actor: Actor) => Promise<T>,
  stale?: Stale,
): (input: unknown) => Promise<ActionResult<T>> {
  return (input: unknown) =>
    settle(name, async (who) => {
      const actor = await getActor();
      if (!actor) throw unauthorized();
      who.userId = actor.userId;
      return validated(schema, input, async (data) => {
        const result = await handler(data, actor);
        if (stale) revalidate(stale);
        return result;
      });
    });
}

/** An authedAction on what a namespace holds (accounts, routes, policies): its success makes every namespace page stale. */
export const namespaceAction = <S extends z.ZodType, T>(
  name: string,
  schema: S,
  handler: (input: z.infer<S>, actor: Actor) => Promise<T>,
) => authedAction(name, schema, handler, NAMESPACE_PAGES);

// Handlers for the usual actions, which hand one key of the input to the DAL as its own argument.

/** `withKey('id', updateRoute)` runs `updateRoute(actor, input.id, rest of input)` and answers what it returns. */
export function withKey<K extends string, R extends object, T>(
  key: K,
  fn: (actor: Actor, value: string, rest: R) => Promise<T>,
) {
  return (input: { [P in K]: string } & R, actor: Actor): Promise<T> => {
    const { [key]: value, ...rest } = input;
    return fn(actor, value, rest as unknown as R);
  };
}

/**
 * `onRecord('id', deleteRoute)` runs `deleteRoute(actor, input.id, rest of input)` and answers `{ id }`: for
 * changes whose result the form needs no more of than the record it changed.
 */
export function onRecord<K extends string, R extends object = object>(
  key: K,
  fn: (actor: Actor, value: string, rest: R) => Promise<unknown>,
) {
  return async (input: { [P in K]: string } & R, actor: Actor): Promise<{ [P in K]: string }> => {
    const { [key]: value, ...rest } = input;
    await fn(actor, value, rest as unknown as R);
    return { [key]: value } as unknown as { [P in K]: string };
  };
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
