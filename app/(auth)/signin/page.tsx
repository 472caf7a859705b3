import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { adminExists } from '@/lib/dal/users';
import { getActor } from '@/lib/session';
import { ACCOUNT_DISABLED, SSO_EMAIL_TAKEN, SSO_EMAIL_UNVERIFIED, ssoName } from '@/lib/auth/sso';
import { safeNextPath } from '@/lib/auth/redirect';
import { config } from '@/lib/config';
import { Alert } from '@/components/ui/alert';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

// next-auth sends failed sign-ins back here with `?error=<code>`. Codes are mapped to fixed
// sentences: the parameter itself is never shown.
function errorMessage(code: string | undefined): string | null {
  if (!code || code === 'SessionRequired') return null;
  if (code === 'AccessDenied') return 'Your identity provider did not confirm your email address.';
  if (code === SSO_EMAIL_UNVERIFIED)
    return 'Your identity provider did not confirm that this email address is yours, so no console account was created. Ask your identity provider’s administrator to verify your email.';
  if (code === ACCOUNT_DISABLED) return 'Your console account is disabled. Ask an administrator.';
  if (code === SSO_EMAIL_TAKEN)
    return 'This email address is already linked to another single sign-on identity. Ask an administrator.';
  if (code === 'CredentialsSignin') return 'Wrong email or password.';
  return 'Single sign-on failed. Try again or use your password.';
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; setup?: string; invited?: string; error?: string }>;
}) {
  if (!(await adminExists())) redirect('/setup');
  if (await getActor()) redirect('/');
  const { callbackUrl, setup, invited, error } = await searchParams;
  // Only same-origin paths: an open redirect after sign-in would be a phishing aid.
  const next = safeNextPath(callbackUrl, config.publicUrl);
  const message = errorMessage(typeof error === 'string' ? error : undefined);
  return (
    <>
      <h1 className="mb-4 text-base font-medium">Sign in to the console</h1>
      {setup ? (
        <p role="status" className="mb-3 text-sm text-emerald-700">
          Administrator created. Sign in to continue.
        </p>
      ) : null}
      {invited ? (
        <p role="status" className="mb-3 text-sm text-emerald-700">
          Your password is set. Sign in to continue.
        </p>
      ) : null}
      {message ? (
        <div className="mb-3">
          <Alert>{message}</Alert>
        </div>
      ) : null}
      <SignInForm next={next} ssoName={ssoName()} />
    </>
  );
}
