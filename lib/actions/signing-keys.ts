'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authedAction } from '@/lib/actions/safe-action';
import { retireSigningKey, rotateSigningKey } from '@/lib/dal/signing-keys';

export const rotateSigningKeyAction = authedAction(z.object({}), async (_input, actor) => {
  const kid = await rotateSigningKey(actor);
  revalidatePath('/keys');
  return { kid };
});

export const retireSigningKeyAction = authedAction(z.object({ kid: z.string().min(1).max(128) }), async ({ kid }, actor) => {
  await retireSigningKey(actor, kid);
  revalidatePath('/keys');
  return { kid };
});
