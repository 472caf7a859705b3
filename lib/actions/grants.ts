'use server';
import { ALL_PAGES, authedAction, onRecord } from '@/lib/actions/safe-action';
import { addGrant, removeGrant } from '@/lib/dal/grants';
import { addGrantSchema, grantIdSchema } from '@/lib/schemas/grant';

export const addGrantAction = authedAction(
  'addGrant',
  addGrantSchema,
  (input, actor) => addGrant(actor, input),
  ALL_PAGES,
);

export const removeGrantAction = authedAction('removeGrant', grantIdSchema, onRecord('id', removeGrant), ALL_PAGES);
