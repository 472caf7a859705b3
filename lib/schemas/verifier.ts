import { z } from 'zod';

export const verifierNameSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name, e.g. where the verifier runs.').max(100, 'Use at most 100 characters.'),
});
export type VerifierNameInput = z.input<typeof verifierNameSchema>;
export const verifierIdSchema = z.object({ id: z.uuid() });

const HOUR_MS = 3_600_000;
const instant = z.number().int().min(0).max(8.64e15);

/** One line of a verifier's usage report (lib/verify/usage.ts UsageRecord). */
export const usageRecordSchema = z.object({
  accountId: z.uuid(),
  hour: instant.refine((h) => h % HOUR_MS === 0, 'the start of an hour'),
  routeId: z.union([z.uuid(), z.literal('')]),
  allowed: z.number().int().min(0).max(1e9),
  denied: z.number().int().min(0).max(1e9),
  lastAt: instant,
  lastAddress: z.string().max(64).nullable(),
});

/** POST /api/v1/verifier/accessed: `usage` is optional, so verifiers that send only `ids` keep working. */
export const accessedSchema = z.object({
  ids: z.array(z.uuid()).max(10_000),
  usage: z.array(usageRecordSchema).max(50_000).default([]),
});
