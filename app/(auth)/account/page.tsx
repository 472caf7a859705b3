import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePageActor } from '@/lib/session';
import { ChangePasswordForm } from './change-password-form';

export const metadata: Metadata = { title: 'Your account' };
export const dynamic = 'force-dynamic';

// Outside the console layout: a user without any role yet can change their password too.
export default async function AccountPage() {
  const actor = await requirePageActor();
  return (
    <div>
      <h1 className="mb-1 text-base font-medium">Your account</h1>
      <p className="mb-4 text-sm text-slate-600">
        Signed in as <strong>{actor.email}</strong>. Changing your password signs you out everywhere else.
      </p>
      <ChangePasswordForm email={actor.email} />
      <p className="mt-4 text-sm">
        <Link href="/" className="text-indigo-700 hover:underline">
          Back to the console
        </Link>
      </p>
    </div>
  );
}
