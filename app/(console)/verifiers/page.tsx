import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/session';
import { listVerifiers } from '@/lib/dal/verifiers';
import { config } from '@/lib/config';
import { guard } from '@/components/shell/guard';
import { PageHeader } from '@/components/shell/page-header';
import { Verifiers } from './verifiers';

export const metadata: Metadata = { title: 'Verifiers' };

export default async function VerifiersPage() {
  const actor = await requirePageActor();
  return guard(async () => {
    const verifiers = await listVerifiers(actor);
    return (
      <div className="max-w-5xl space-y-4">
        <PageHeader title="Verifiers" className="">
          A verifier answers the proxies' verification calls next to them, without Next.js and without database
          credentials: it keeps everything a decision needs in memory and follows this console's changes as they happen.
          Run one with{' '}
          <code className="rounded bg-slate-100 px-1 font-mono text-xs">
            POSTERN_URL={config.publicUrl} VERIFIER_CREDENTIAL=… npm run verifier
          </code>
          .
        </PageHeader>
        <Verifiers verifiers={verifiers} now={Date.now()} />
      </div>
    );
  });
}
