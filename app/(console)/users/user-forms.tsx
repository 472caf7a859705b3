'use client';
import { useId, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import {
  addUserAction, approveLinkGroupsAction, forceSignOutAction, linkIdentityAction, reinviteUserAction, setUserDisabledAction, unlinkIdentityAction,
} from '@/lib/actions/users';
import type { PendingLink } from '@/lib/dal/console-users';
import { addUserSchema, type AddUserInput } from '@/lib/schemas/auth';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Alert } from '@/components/ui/alert';
import { CopyButton } from '@/components/ui/copy-button';
import { applyFieldErrors } from '@/components/ui/field-errors';

type Invite = { email: string; inviteUrl: string; expiresAt: string };

/** Add User: makes the user and shows their one-time invite link, once. */
export function AddUser({ ssoName }: { ssoName: string | null }) {
  const router = useRouter();
  const [invite, setInvite] = useState<Invite | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { register, handleSubmit, reset, setError: setFieldError, formState: { errors, isSubmitting } } =
    useForm<AddUserInput>({ resolver: zodResolver(addUserSchema), defaultValues: { email: '' } });
  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    const res = await addUserAction(values);
    if (res.ok) {
      reset();
      setInvite({ email: values.email, inviteUrl: res.data.inviteUrl, expiresAt: res.data.expiresAt });
      router.refresh();
      return;
    }
    if (!applyFieldErrors(res.fieldErrors, setFieldError, ['email'])) setError(res.message);
  });
  if (invite) return <InviteOnce invite={invite} onDone={() => setInvite(null)} />;
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Add user" className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-[1fr_auto] md:items-end">
      {error ? <div className="md:col-span-2"><Alert>{error}</Alert></div> : null}
      <Field label="New user’s email" type="email" autoComplete="off"
        hint={ssoName ? `People who sign in with ${ssoName} need no invite: their account is made at their first sign-in.` : 'They get a one-time link, valid 72 hours, to set their password.'}
        error={errors.email?.message} {...register('email')} />
      <Button type="submit" variant="primary" disabled={isSubmitting}>Add user</Button>
    </form>
  );
}

export function InviteOnce({ invite, onDone }: { invite: Invite; onDone: () => void }) {
  const id = useId();
  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <Alert tone="warning">
        Send this link to <strong>{invite.email}</strong>. It works once, until {new Date(invite.expiresAt).toLocaleString()}. <strong>It will not be shown again.</strong>
      </Alert>
      <div className="space-y-1">
        <label htmlFor={id} className="block text-sm font-medium text-slate-700">Invite link</label>
        <div className="flex gap-2">
          <input id={id} readOnly value={invite.inviteUrl} spellCheck={false} autoComplete="off" onFocus={(e) => e.currentTarget.select()}
            className="block w-full rounded-md border border-slate-300 bg-slate-50 px-2.5 py-1.5 font-mono text-xs" />
          <CopyButton text={invite.inviteUrl} />
        </div>
      </div>
      <div className="flex justify-end"><Button variant="primary" onClick={onDone}>Done</Button></div>
    </div>
  );
}

type Result = { ok: true } | { ok: false; message: string };

function useRun() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<Result>) => {
    setBusy(true);
    setError(null);
    const res = await fn();
    setBusy(false);
    if (!res.ok) setError(res.message);
    else router.refresh();
  };
  return { error, busy, run };
}

export function UserActions({ user }: { user: { id: string; email: string; disabled: boolean; self: boolean; canReinvite: boolean; linked: boolean } }) {
  const { error, busy, run } = useRun();
  const [invite, setInvite] = useState<Invite | null>(null);
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex flex-wrap justify-end gap-1">
        {user.self ? null : (
          <Button disabled={busy} aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.email}`}
            onClick={() => run(() => setUserDisabledAction({ userId: user.id, disabled: !user.disabled }))}>
            {user.disabled ? 'Enable' : 'Disable'}
          </Button>
        )}
        <Button disabled={busy} aria-label={`Force sign-out of ${user.email}`} onClick={() => run(() => forceSignOutAction({ userId: user.id }))}>Force sign-out</Button>
        {user.canReinvite ? (
          <Button disabled={busy} aria-label={`New invite link for ${user.email}`} onClick={() => run(async () => {
            const res = await reinviteUserAction({ userId: user.id });
            if (res.ok) setInvite({ email: user.email, ...res.data });
            return res;
          })}>New invite link</Button>
        ) : null}
        {user.linked ? <Button disabled={busy} aria-label={`Unlink ${user.email}`} onClick={() => run(() => unlinkIdentityAction({ userId: user.id }))}>Unlink</Button> : null}
      </div>
      {error ? <Alert>{error}</Alert> : null}
      {invite ? <div className="w-full max-w-xl text-left"><InviteOnce invite={invite} onDone={() => setInvite(null)} /></div> : null}
    </div>
  );
}

/** Links an Admin must confirm: email alone never links a directory identity. */
export function PendingLinks({ pending }: { pending: PendingLink[] }) {
  const { error, busy, run } = useRun();
  if (!pending.length) return null;
  return (
    <section aria-labelledby="pending-heading" className="space-y-2 rounded-lg border border-amber-200 bg-amber-50 p-4">
      <h2 id="pending-heading" className="text-base font-semibold">Pending links</h2>
      <p className="text-sm text-slate-700">
        Directory groups give console roles only through a link an administrator confirmed. Confirm only when the
        directory identity is this person: they gain the roles listed.
      </p>
      {error ? <Alert>{error}</Alert> : null}
      <ul className="divide-y divide-amber-200">
        {pending.map((p) => (
          <li key={`${p.kind}:${p.userId}:${p.directoryUserId}`} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
            <div>
              <strong>{p.userEmail}</strong>{' '}
              {p.kind === 'suggested'
                ? <>and directory user <span className="font-mono text-xs">{p.directoryUserId}</span> have the same email.</>
                : <>: their directory user <span className="font-mono text-xs">{p.directoryUserId}</span> has new groups {p.groups.join(', ')}.</>}
              <div className="text-xs text-slate-600">
                {p.grants.length ? `Would gain: ${p.grants.map((g) => `${g.role} of ${g.namespaceName} (group ${g.group})`).join('; ')}` : 'Would gain no role.'}
              </div>
            </div>
            <Button variant="primary" disabled={busy}
              aria-label={p.kind === 'suggested' ? `Link ${p.userEmail} to ${p.directoryUserId}` : `Approve groups of ${p.userEmail}`}
              onClick={() => run(() => (p.kind === 'suggested'
                ? linkIdentityAction({ userId: p.userId, directoryUserId: p.directoryUserId })
                : approveLinkGroupsAction({ userId: p.userId })))}>
              {p.kind === 'suggested' ? 'Link' : 'Approve groups'}
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
