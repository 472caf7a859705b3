'use server';
import { setupSchema } from '@/lib/schemas/auth';
import { createFirstAdmin } from '@/lib/dal/users';
import { AppError } from '@/lib/dal/errors';
import type { ActionResult } from '@/lib/actions/safe-action';
import { log } from '@/lib/log';

/**
 * The one action an anonymous caller may use, and only while no user exists: it
 * creates the first administrator. Afterwards it refuses, whatever the input.
 */
export async function setupAdminAction(input: unknown): Promise<ActionResult<{ email: string }>> {
  const parsed = setupSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const i of parsed.error.issues) (fieldErrors[i.path.join('.') || '_form'] ??= []).push(i.message);
    return { ok: false, code: 'invalid', message: 'Please correct the highlighted fields.', fieldErrors };
  }
  try {
    await createFirstAdmin(parsed.data.email, parsed.data.password);
    return { ok: true, data: { email: parsed.data.email } };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, code: err.code, message: err.message };
    log.error({ err }, 'first-run setup failed');
    return { ok: false, code: 'error', message: 'Something went wrong on our side. Please try again.' };
  }
}
