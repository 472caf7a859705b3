import { z } from 'zod';
import { MAX_IMPORT_BYTES } from '@/lib/pomerium/import-routes';

export const pomeriumImportSchema = z.object({
  namespaceId: z.string().min(1).max(64),
  text: z
    .string()
    .max(MAX_IMPORT_BYTES, `The file is larger than ${MAX_IMPORT_BYTES / 1024} KB.`)
    .refine((s) => s.trim() !== '', 'Paste a Pomerium configuration or choose a file.'),
});
export type PomeriumImportValues = z.infer<typeof pomeriumImportSchema>;
