'use server';
import { revalidatePath } from 'next/cache';
import { authedAction } from '@/lib/actions/safe-action';
import { addGrant, removeGrant } from '@/lib/dal/grants';
import { addGrantSchema, grantIdSchema } from '@/lib/schemas/grant';

export const addGrantAction = authedAction('addGrant', addGrantSchema, async (input, actor) => {
  const g = await addGrant(actor, input);
  revalidatePath('/', 'layout');
  return g;
});

export const removeGrantAction = authedAction('removeGrant', grantIdSchema, async ({ id }, actor) => {
  await removeGrant(actor, id);
  revalidatePath('/', 'layout');
  return { id };
});
