import { z } from 'zod';

export const scimTokenNameSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name, e.g. the identity provider.').max(100, 'Use at most 100 characters.'),
});
export type ScimTokenNameInput = z.input<typeof scimTokenNameSchema>;
export const scimTokenIdSchema = z.object({ id: z.uuid() });
