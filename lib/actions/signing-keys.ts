'use server';
import { authedAction, onRecord } from '@/lib/actions/safe-action';
import { retireSigningKey, rotateSigningKey } from '@/lib/dal/signing-keys';
import { retireSigningKeySchema, rotateSigningKeySchema } from '@/lib/schemas/signing-key';

export const rotateSigningKeyAction = authedAction(
  'rotateSigningKey',
  rotateSigningKeySchema,
  async (_input, actor) => ({ kid: await rotateSigningKey(actor) }),
  '/keys',
);

export const retireSigningKeyAction = authedAction(
  'retireSigningKey',
  retireSigningKeySchema,
  onRecord('kid', retireSigningKey),
  '/keys',
);
