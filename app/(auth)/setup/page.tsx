import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { adminExists } from '@/lib/dal/users';
import { SetupForm } from './setup-form';

export const metadata: Metadata = { title: 'First-run setup' };
export const dynamic = 'force-dynamic';

// Exists only until the first administrator does; afterwards it is a 404 and its action
// refuses. Users who signed in by SSO before do not count (they hold no role).
export default async function SetupPage() {
  if (await adminExists()) notFound();
  return (
    <>
      <h1 className="mb-1 text-base font-medium">Create the first administrator</h1>
      <p className="mb-4 text-sm text-slate-600">
        This page is shown once, while the console has no administrator. The server printed a one-time setup code to its
        log when it started: enter it below.
      </p>
      <SetupForm />
    </>
  );
}
