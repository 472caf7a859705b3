'use server';
import { revalidatePath } from 'next/cache';
import { authedAction } from '@/lib/actions/safe-action';
import { retireSigningKey, rotateSigningKey } from '@/lib/dal/signing-keys';
import { retireSigningKeySchema, rotateSigningKeySchema } from '@/lib/schemas/signing-key';

export const rotateSigningKeyAction = authedAction(
  'rotateSigningKey',
  rotateSigningKeySchema,
  async (_input, actor) => {
    const kid = await rotateSigningKey(actor);
    revalidatePath('/keys');
    return { kid };
  },
);

export const retireSigningKeyAction = authedAction(
  'retireSigningKey',
  retireSigningKeySchema,
  async ({ kid }, actor) => {
    await retireSigningKey(actor, kid);
    revalidatePath('/keys');
    return { kid };
  },
);
