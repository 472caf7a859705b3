import { z } from 'zod';

export const directoryUserSchema = z.object({
  id: z
    .string()
    .trim()
    .min(1, 'Enter an ID.')
    .max(128, 'Use at most 128 characters.')
    .regex(/^[A-Za-z0-9.\-_@:|]+$/, 'Use only letters, digits and . - _ @ : |'),
  email: z.union([z.literal(''), z.string().trim().max(254).email('Enter a valid email address.')]).default(''),
  name: z.string().trim().max(200).default(''),
  groups: z.string().max(4000).default(''), // comma-separated in the form
});
export type DirectoryUserInput = z.input<typeof directoryUserSchema>;
export const directoryUserIdSchema = z.object({ id: z.string().min(1).max(128) });

export const parseGroups = (s: string) =>
  [
    ...new Set(
      s
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
    ),
  ].slice(0, 200);
