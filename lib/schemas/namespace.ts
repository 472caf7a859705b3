import { z } from 'zod';

export const namespaceName = z
  .string()
  .trim()
  .min(1, 'Enter a name.')
  .max(64, 'Use at most 64 characters.')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'Control characters are not allowed.');

/** The add and rename dialogs; the actions extend it with the parent or the namespace. */
export const namespaceNameSchema = z.object({ name: namespaceName });
export const createNamespaceSchema = namespaceNameSchema.extend({ parentId: z.string().min(1).max(64) });
export const renameNamespaceSchema = namespaceNameSchema.extend({ id: z.string().min(1).max(64) });
export const deleteNamespaceSchema = z.object({ id: z.string().min(1).max(64) });

export type CreateNamespaceInput = z.infer<typeof createNamespaceSchema>;
export type RenameNamespaceInput = z.infer<typeof renameNamespaceSchema>;

export const GLOBAL_NAMESPACE_ID = 'global';
