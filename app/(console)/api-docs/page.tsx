import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { OPENAPI_URL, scalarEntryUrl } from '@/lib/api-docs';
import { PageHeader } from '@/components/shell/page-header';
import { ApiReference } from './api-reference';

export const metadata: Metadata = { title: 'API reference' };

/**
 * The REST API's reference, drawn by Scalar from the OpenAPI document. The page has a
 * Content-Security-Policy of its own (proxy.ts): scripts from this origin and this
 * request's nonce only. Rendered on each request (the console layout is dynamic), so each has its nonce.
 */
export default async function ApiDocsPage() {
  await requirePageActor();
  return (
    <div>
      <PageHeader title="API reference">
        The REST API under <code className="rounded bg-slate-100 px-1 font-mono text-xs">/api/v1</code>, for scripts and
        pipelines. Authenticate with an{' '}
        <a href="/account/api-keys" className="text-indigo-700 hover:underline">
          API key
        </a>{' '}
        as <code className="rounded bg-slate-100 px-1 font-mono text-xs">Authorization: Bearer postern_key_…</code>. The
        document itself:{' '}
        <a href={OPENAPI_URL} className="text-indigo-700 hover:underline">
          {OPENAPI_URL}
        </a>
        .
      </PageHeader>
      <ApiReference entryUrl={await scalarEntryUrl()} documentUrl={OPENAPI_URL} />
    </div>
  );
}
