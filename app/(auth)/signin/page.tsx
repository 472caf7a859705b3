import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { userCount } from '@/lib/dal/users';
import { getActor } from '@/lib/session';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; setup?: string }> }) {
  if ((await userCount()) === 0) redirect('/setup');
  if (await getActor()) redirect('/');
  const { callbackUrl, setup } = await searchParams;
  // Only same-site paths: an open redirect after sign-in would be a phishing aid.
  const next = callbackUrl?.startsWith('/') && !callbackUrl.startsWith('//') ? callbackUrl : '/';
  return (
    <>
      <h1 className="mb-4 text-base font-medium">Sign in to the console</h1>
      {setup ? <p role="status" className="mb-3 text-sm text-emerald-700">Administrator created. Sign in to continue.</p> : null}
      <SignInForm next={next} />
    </>
  );
}
