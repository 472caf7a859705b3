'use server';
import { revalidatePath } from 'next/cache';
import { authedAction } from '@/lib/actions/safe-action';
import { importPomeriumRoutes, previewPomeriumImport } from '@/lib/dal/route-import';
import { pomeriumImportSchema } from '@/lib/schemas/route-import';

export const previewPomeriumImportAction = authedAction(
  'previewPomeriumImport',
  pomeriumImportSchema,
  ({ namespaceId, text }, actor) => previewPomeriumImport(actor, namespaceId, text),
);

export const importPomeriumRoutesAction = authedAction(
  'importPomeriumRoutes',
  pomeriumImportSchema,
  async ({ namespaceId, text }, actor) => {
    const r = await importPomeriumRoutes(actor, namespaceId, text);
    revalidatePath('/ns', 'layout');
    return r;
  },
);
