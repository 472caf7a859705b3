'use server';
import { authedAction } from '@/lib/actions/safe-action';
import { rotateServiceAccount } from '@/lib/dal/rotation';
import { rotateServiceAccountSchema } from '@/lib/schemas/rotation';

/** Returns the new JWT once, in this response only; it is not stored or logged anywhere. */
export const rotateServiceAccountAction = authedAction(
  'rotateServiceAccount',
  rotateServiceAccountSchema,
  async (input, actor) => {
    const { account, token } = await rotateServiceAccount(actor, input);
    return {
      id: account.id,
      userId: account.userId,
      expiresAt: account.expiresAt?.toISOString() ?? null,
      previousValidUntil: account.previousValidUntil?.toISOString() ?? null,
      token,
    };
  },
);
