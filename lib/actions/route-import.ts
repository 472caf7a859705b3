'use server';
import { authedAction, namespaceAction } from '@/lib/actions/safe-action';
import { importPomeriumRoutes, previewPomeriumImport } from '@/lib/dal/route-import';
import { pomeriumImportSchema } from '@/lib/schemas/route-import';

export const previewPomeriumImportAction = authedAction(
  'previewPomeriumImport',
  pomeriumImportSchema,
  ({ namespaceId, text }, actor) => previewPomeriumImport(actor, namespaceId, text),
);

export const importPomeriumRoutesAction = namespaceAction(
  'importPomeriumRoutes',
  pomeriumImportSchema,
  ({ namespaceId, text }, actor) => importPomeriumRoutes(actor, namespaceId, text),
);
