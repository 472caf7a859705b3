import { z } from 'zod';

export const roleSchema = z.enum(['viewer', 'manager', 'admin']);
export const ROLE_LABELS = { viewer: 'Viewer', manager: 'Manager', admin: 'Admin' } as const;

export const addGrantSchema = z.discriminatedUnion('subjectType', [
  z.object({
    namespaceId: z.string().min(1).max(64),
    subjectType: z.literal('user'),
    subject: z
      .string()
      .trim()
      .toLowerCase()
      .min(1, 'Enter an email.')
      .max(254)
      .email('Enter the email of a console user.'),
    role: roleSchema,
  }),
  z.object({
    namespaceId: z.string().min(1).max(64),
    subjectType: z.literal('group'),
    subject: z.string().trim().min(1, 'Enter a group name.').max(256),
    role: roleSchema,
  }),
  // A service account of this namespace or one of its descendants, so a pipeline can call
  // the REST API with the account's own JWT.
  z.object({
    namespaceId: z.string().min(1).max(64),
    subjectType: z.literal('service_account'),
    serviceAccountId: z.uuid('Choose a service account.'),
    role: roleSchema,
  }),
]);
export type AddGrantInput = z.input<typeof addGrantSchema>;
export const grantIdSchema = z.object({ id: z.string().uuid() });
