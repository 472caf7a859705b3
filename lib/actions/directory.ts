'use server';
import { authedAction, onRecord } from '@/lib/actions/safe-action';
import { createDirectoryUser, deleteDirectoryUser } from '@/lib/dal/directory';
import { directoryUserIdSchema, directoryUserSchema, parseGroups } from '@/lib/schemas/directory';

export const createDirectoryUserAction = authedAction(
  'createDirectoryUser',
  directoryUserSchema,
  (input, actor) =>
    createDirectoryUser(actor, {
      id: input.id,
      email: input.email,
      name: input.name,
      groups: parseGroups(input.groups),
    }),
  '/directory',
);

export const deleteDirectoryUserAction = authedAction(
  'deleteDirectoryUser',
  directoryUserIdSchema,
  onRecord('id', deleteDirectoryUser),
  '/directory',
);
