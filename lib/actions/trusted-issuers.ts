'use server';
import { namespaceAction, onRecord } from '@/lib/actions/safe-action';
import { addTrustedIssuer, removeTrustedIssuer } from '@/lib/dal/trusted-issuers';
import { addTrustedIssuerSchema, trustedIssuerIdSchema } from '@/lib/schemas/trusted-issuer';

export const addTrustedIssuerAction = namespaceAction(
  'addTrustedIssuer',
  addTrustedIssuerSchema,
  async (input, actor) => {
    const issuer = await addTrustedIssuer(actor, input);
    return { id: issuer.id, name: issuer.name };
  },
);

export const removeTrustedIssuerAction = namespaceAction(
  'removeTrustedIssuer',
  trustedIssuerIdSchema,
  onRecord('id', removeTrustedIssuer),
);
