'use server';
import { namespaceAction, onRecord, withKey } from '@/lib/actions/safe-action';
import { createRoute, deleteRoute, updateRoute } from '@/lib/dal/routes';
import { createRouteSchema, routeIdSchema, updateRouteSchema } from '@/lib/schemas/route';

export const createRouteAction = namespaceAction('createRoute', createRouteSchema, withKey('namespaceId', createRoute));

export const updateRouteAction = namespaceAction('updateRoute', updateRouteSchema, withKey('id', updateRoute));

export const deleteRouteAction = namespaceAction('deleteRoute', routeIdSchema, onRecord('id', deleteRoute));
