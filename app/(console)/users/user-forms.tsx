'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import {
  addUserAction,
  approveLinkGroupsAction,
  forceSignOutAction,
  linkIdentityAction,
  reinviteUserAction,
  setUserDisabledAction,
  unlinkIdentityAction,
} from '@/lib/actions/users';
import type { PendingLink } from '@/lib/dal/console-users';
import { addUserSchema } from '@/lib/schemas/auth';
import { Field } from '@/components/ui/field';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { useActionForm } from '@/components/actions/use-action-form';
import { CardForm } from '@/components/actions/action-form';
import { ActionButton } from '@/components/actions/action-button';

type Invite = { email: string; inviteUrl: string; expiresAt: string };

/** Add User: makes the user and shows their one-time invite link, once. */
export function AddUser({ ssoName }: { ssoName: string | null }) {
  const router = useRouter();
  const [invite, setInvite] = useState<Invite | null>(null);
  const add = useActionForm({
    schema: addUserSchema,
    action: addUserAction,
    defaultValues: { email: '' },
    onSuccess: ({ inviteUrl, expiresAt }, { email }) => {
      add.form.reset();
      setInvite({ email, inviteUrl, expiresAt });
      router.refresh();
    },
  });
  const { register, formState } = add.form;
  if (invite) return <InviteOnce invite={invite} onDone={() => setInvite(null)} />;
  return (
    <CardForm of={add} label="Add user" submitLabel="Add user" columns="md:grid-cols-[1fr_auto]">
      <Field
        label="New user’s email"
        type="email"
        autoComplete="off"
        hint={
          ssoName
            ? `People who sign in with ${ssoName} need no invite: their account is made at their first sign-in.`
            : 'They get a one-time link, valid 72 hours, to set their password.'
        }
        error={formState.errors.email?.message}
        {...register('email')}
      />
    </CardForm>
  );
}

export function InviteOnce({ invite, onDone }: { invite: Invite; onDone: () => void }) {
  return (
    <SecretReveal
      card
      label="Invite link"
      secret={invite.inviteUrl}
      notice={
        <>
          Send this link to <strong>{invite.email}</strong>. It works once, until{' '}
          {new Date(invite.expiresAt).toLocaleString()}.
        </>
      }
      onDone={onDone}
    />
  );
}

export function UserActions({
  user,
}: {
  user: { id: string; email: string; disabled: boolean; self: boolean; canReinvite: boolean; linked: boolean };
}) {
  const [invite, setInvite] = useState<Invite | null>(null);
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex flex-wrap justify-end gap-1">
        {user.self ? null : user.disabled ? (
          <ActionButton
            label={`Enable ${user.email}`}
            action={() => setUserDisabledAction({ userId: user.id, disabled: false })}
          >
            Enable
          </ActionButton>
        ) : (
          <ActionButton
            label={`Disable ${user.email}`}
            action={() => setUserDisabledAction({ userId: user.id, disabled: true })}
            confirm={{
              title: `Disable ${user.email}?`,
              body: 'Their sessions end at their next request and they cannot sign in until enabled again.',
              action: 'Disable',
            }}
          >
            Disable
          </ActionButton>
        )}
        <ActionButton
          label={`Force sign-out of ${user.email}`}
          action={() => forceSignOutAction({ userId: user.id })}
          confirm={{
            title: `Sign ${user.email} out everywhere?`,
            body: 'Every session of theirs ends at its next request; they can sign in again.',
            action: 'Force sign-out',
          }}
        >
          Force sign-out
        </ActionButton>
        {user.canReinvite ? (
          <ActionButton
            label={`New invite link for ${user.email}`}
            action={() => reinviteUserAction({ userId: user.id })}
            onSuccess={(data) => setInvite({ email: user.email, ...data })}
          >
            New invite link
          </ActionButton>
        ) : null}
        {user.linked ? (
          <ActionButton
            label={`Unlink ${user.email}`}
            action={() => unlinkIdentityAction({ userId: user.id })}
            confirm={{
              title: `Unlink ${user.email} from their directory identity?`,
              body: 'They lose the console roles their directory groups gave them.',
              action: 'Unlink',
            }}
          >
            Unlink
          </ActionButton>
        ) : null}
      </div>
      {invite ? (
        <div className="w-full max-w-xl text-left">
          <InviteOnce invite={invite} onDone={() => setInvite(null)} />
        </div>
      ) : null}
    </div>
  );
}

/** Links an Admin must confirm: email alone never links a directory identity. */
export function PendingLinks({ pending }: { pending: PendingLink[] }) {
  if (!pending.length) return null;
  return (
    <section aria-labelledby="pending-heading" className="space-y-2 rounded-lg border border-amber-200 bg-amber-50 p-4">
      <h2 id="pending-heading" className="text-base font-semibold">
        Pending links
      </h2>
      <p className="text-sm text-slate-700">
        Directory groups give console roles only through a link an administrator confirmed. Confirm only when the
        directory identity is this person: they gain the roles listed.
      </p>
      <ul className="divide-y divide-amber-200">
        {pending.map((p) => (
          <li
            key={`${p.kind}:${p.userId}:${p.directoryUserId}`}
            className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm"
          >
            <div>
              <strong>{p.userEmail}</strong>{' '}
              {p.kind === 'suggested' ? (
                <>
                  and directory user <span className="font-mono text-xs">{p.directoryUserId}</span> have the same email.
                </>
              ) : (
                <>
                  : their directory user <span className="font-mono text-xs">{p.directoryUserId}</span> has new groups{' '}
                  {p.groups.join(', ')}.
                </>
              )}
              <div className="text-xs text-slate-600">
                {p.grants.length
                  ? `Would gain: ${p.grants.map((g) => `${g.role} of ${g.namespaceName} (group ${g.group})`).join('; ')}`
                  : 'Would gain no role.'}
              </div>
            </div>
            <ActionButton
              variant="primary"
              label={
                p.kind === 'suggested'
                  ? `Link ${p.userEmail} to ${p.directoryUserId}`
                  : `Approve groups of ${p.userEmail}`
              }
              action={() =>
                p.kind === 'suggested'
                  ? linkIdentityAction({ userId: p.userId, directoryUserId: p.directoryUserId })
                  : approveLinkGroupsAction({ userId: p.userId })
              }
            >
              {p.kind === 'suggested' ? 'Link' : 'Approve groups'}
            </ActionButton>
          </li>
        ))}
      </ul>
    </section>
  );
}
