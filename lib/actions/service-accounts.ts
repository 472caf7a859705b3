'use server';
import { authedAction, namespaceAction, onRecord } from '@/lib/actions/safe-action';
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

export const updateServiceAccountAction = namespaceAction(
  'updateServiceAccount',
  updateServiceAccountSchema,
  onRecord('id', (actor, id, { description }: { description: string }) =>
    updateServiceAccountDescription(actor, id, description),
  ),
);

export const setServiceAccountDisabledAction = namespaceAction(
  'setServiceAccountDisabled',
  setDisabledSchema,
  async ({ id, disabled }, actor) => {
    await setServiceAccountDisabled(actor, id, disabled);
    return { id, disabled };
  },
);

export const revokeServiceAccountAction = namespaceAction(
  'revokeServiceAccount',
  serviceAccountIdSchema,
  onRecord('id', revokeServiceAccount),
);
