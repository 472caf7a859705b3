'use server';
import { revalidatePath } from 'next/cache';
import { authedAction } from '@/lib/actions/safe-action';
import { createRoute, deleteRoute, updateRoute } from '@/lib/dal/routes';
import { createRouteSchema, routeIdSchema, updateRouteSchema } from '@/lib/schemas/route';

export const createRouteAction = authedAction(
  'createRoute',
  createRouteSchema,
  async ({ namespaceId, ...input }, actor) => {
    const r = await createRoute(actor, namespaceId, input);
    revalidatePath('/ns', 'layout');
    return r;
  },
);

export const updateRouteAction = authedAction('updateRoute', updateRouteSchema, async ({ id, ...input }, actor) => {
  const r = await updateRoute(actor, id, input);
  revalidatePath('/ns', 'layout');
  return r;
});

export const deleteRouteAction = authedAction('deleteRoute', routeIdSchema, async ({ id }, actor) => {
  await deleteRoute(actor, id);
  revalidatePath('/ns', 'layout');
  return { id };
});
