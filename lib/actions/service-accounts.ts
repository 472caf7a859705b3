'use server';
import { revalidatePath } from 'next/cache';
import { authedAction } from '@/lib/actions/safe-action';
import {
  createServiceAccount,
  revokeServiceAccount,
  setServiceAccountDisabled,
  updateServiceAccountDescription,
} from '@/lib/dal/service-accounts';
import {
  createServiceAccountSchema,
  serviceAccountIdSchema,
  setDisabledSchema,
  updateServiceAccountSchema,
} from '@/lib/schemas/service-account';

/** Returns the JWT once, in this response only; it is not stored or logged anywhere. */
export const createServiceAccountAction = authedAction(
  'createServiceAccount',
  createServiceAccountSchema,
  async (input, actor) => {
    const { account, token } = await createServiceAccount(actor, input);
    return { id: account.id, userId: account.userId, expiresAt: account.expiresAt?.toISOString() ?? null, token };
  },
);

export const updateServiceAccountAction = authedAction(
  'updateServiceAccount',
  updateServiceAccountSchema,
  async ({ id, description }, actor) => {
    await updateServiceAccountDescription(actor, id, description);
    revalidatePath('/ns', 'layout');
    return { id };
  },
);

export const setServiceAccountDisabledAction = authedAction(
  'setServiceAccountDisabled',
  setDisabledSchema,
  async ({ id, disabled }, actor) => {
    await setServiceAccountDisabled(actor, id, disabled);
    revalidatePath('/ns', 'layout');
    return { id, disabled };
  },
);

export const revokeServiceAccountAction = authedAction(
  'revokeServiceAccount',
  serviceAccountIdSchema,
  async ({ id }, actor) => {
    await revokeServiceAccount(actor, id);
    revalidatePath('/ns', 'layout');
    return { id };
  },
);
