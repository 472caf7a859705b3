import { z } from 'zod';

export const verifierNameSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name, e.g. where the verifier runs.').max(100, 'Use at most 100 characters.'),
});
export type VerifierNameInput = z.input<typeof verifierNameSchema>;
export const verifierIdSchema = z.object({ id: z.uuid() });

/** POST /api/v1/verifier/accessed. */
export const accessedSchema = z.object({ ids: z.array(z.uuid()).max(10_000) });
