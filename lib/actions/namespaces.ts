'use server';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { authedAction } from '@/lib/actions/safe-action';
import { createNamespace, deleteNamespace, renameNamespace } from '@/lib/dal/namespaces';
import { createNamespaceSchema, deleteNamespaceSchema, renameNamespaceSchema } from '@/lib/schemas/namespace';

export const createNamespaceAction = authedAction(
  'createNamespace',
  createNamespaceSchema,
  async ({ parentId, name }, actor) => {
    const ns = await createNamespace(actor, parentId, name);
    revalidatePath('/', 'layout');
    return ns;
  },
);

export const renameNamespaceAction = authedAction(
  'renameNamespace',
  renameNamespaceSchema,
  async ({ id, name }, actor) => {
    const ns = await renameNamespace(actor, id, name);
    revalidatePath('/', 'layout');
    return ns;
  },
);

// On success the browser is sent to the parent with a fresh tree in the same response.
export const deleteNamespaceAction = authedAction('deleteNamespace', deleteNamespaceSchema, async ({ id }, actor) => {
  const { parentId } = await deleteNamespace(actor, id);
  revalidatePath('/', 'layout');
  redirect(`/ns/${parentId ?? 'global'}`);
});
