import { z } from 'zod';

export const rotateSigningKeySchema = z.object({});
export const retireSigningKeySchema = z.object({ kid: z.string().min(1).max(128) });
