'use server';
import { revalidatePath } from 'next/cache';
import { authedAction } from '@/lib/actions/safe-action';
import { createDirectoryUser, deleteDirectoryUser } from '@/lib/dal/directory';
import { directoryUserIdSchema, directoryUserSchema, parseGroups } from '@/lib/schemas/directory';

export const createDirectoryUserAction = authedAction(
  'createDirectoryUser',
  directoryUserSchema,
  async (input, actor) => {
    const user = await createDirectoryUser(actor, {
      id: input.id,
      email: input.email,
      name: input.name,
      groups: parseGroups(input.groups),
    });
    revalidatePath('/directory');
    return user;
  },
);

export const deleteDirectoryUserAction = authedAction(
  'deleteDirectoryUser',
  directoryUserIdSchema,
  async ({ id }, actor) => {
    await deleteDirectoryUser(actor, id);
    revalidatePath('/directory');
    return { id };
  },
);
