import type { Metadata } from 'next';
import { InviteForm } from './invite-form';

export const metadata: Metadata = { title: 'Set your password' };

// The invite token travels in the link's #fragment: browsers never send it to a server,
// so it stays out of access logs and Referer headers. The form posts it once, to its action.
export default function InvitePage() {
  return (
    <>
      <h1 className="mb-1 text-base font-medium">Set your password</h1>
      <p className="mb-4 text-sm text-slate-600">
        An administrator invited you to the console. Choose a password to finish.
      </p>
      <InviteForm />
    </>
  );
}
