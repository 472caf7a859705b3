'use server';
import { redirect } from 'next/navigation';
import { ALL_PAGES, authedAction, revalidate } from '@/lib/actions/safe-action';
import { createNamespace, deleteNamespace, renameNamespace } from '@/lib/dal/namespaces';
import { createNamespaceSchema, deleteNamespaceSchema, renameNamespaceSchema } from '@/lib/schemas/namespace';

export const createNamespaceAction = authedAction(
  'createNamespace',
  createNamespaceSchema,
  ({ parentId, name }, actor) => createNamespace(actor, parentId, name),
  ALL_PAGES,
);

export const renameNamespaceAction = authedAction(
  'renameNamespace',
  renameNamespaceSchema,
  ({ id, name }, actor) => renameNamespace(actor, id, name),
  ALL_PAGES,
);

// On success the browser is sent to the parent with a fresh tree in the same response;
// redirect() throws, so the tree is revalidated here rather than by authedAction.
export const deleteNamespaceAction = authedAction('deleteNamespace', deleteNamespaceSchema, async ({ id }, actor) => {
  const { parentId } = await deleteNamespace(actor, id);
  revalidate(ALL_PAGES);
  redirect(`/ns/${parentId ?? 'global'}`);
});
