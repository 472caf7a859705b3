import { z } from 'zod';
import type { PolicyRequest } from './types';

/**
 * Validates a PolicyRequest that comes from outside, e.g. the console's "policy check"
 * form. The verification hot path builds requests itself and skips this.
 */
export const policyRequestSchema = z.object({
  user: z
    .object({
      id: z.string().min(1),
      email: z.string().optional(),
      groups: z.array(z.string()).max(10_000).optional(),
      claims: z.record(z.string(), z.unknown()).optional(),
    })
    .nullable(),
  method: z.string().max(64).optional(),
  path: z.string().max(8192).optional(),
  sourceIp: z.string().max(64).optional(),
  headers: z.record(z.string(), z.string().optional()).optional(),
  now: z.coerce.date().optional(),
}) satisfies z.ZodType<PolicyRequest, unknown>;
