'use server';
import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { authedAction, publicAction } from '@/lib/actions/safe-action';
import {
  acceptInvite,
  addConsoleUser,
  approveLinkGroups,
  changeOwnPassword,
  forceSignOut,
  linkIdentity,
  reinviteConsoleUser,
  setConsoleUserDisabled,
  unlinkIdentity,
} from '@/lib/dal/console-users';
import { requestClientAddress } from '@/lib/net/client-address';
import {
  acceptInviteSchema,
  addUserSchema,
  changePasswordSchema,
  linkIdentitySchema,
  setDisabledSchema,
  userIdSchema,
} from '@/lib/schemas/auth';

// User management: every action but acceptInviteAction needs a signed-in caller, and the
// data-access layer checks that the caller is an Admin of Global (or, for the password, the user).

export const addUserAction = authedAction('addUser', addUserSchema, async ({ email }, actor) => {
  const r = await addConsoleUser(actor, email);
  revalidatePath('/users');
  return { id: r.id, inviteUrl: r.inviteUrl, expiresAt: r.expiresAt.toISOString() };
});

export const reinviteUserAction = authedAction('reinviteUser', userIdSchema, async ({ userId }, actor) => {
  const r = await reinviteConsoleUser(actor, userId);
  revalidatePath('/users');
  return { inviteUrl: r.inviteUrl, expiresAt: r.expiresAt.toISOString() };
});

export const setUserDisabledAction = authedAction(
  'setUserDisabled',
  setDisabledSchema,
  async ({ userId, disabled }, actor) => {
    await setConsoleUserDisabled(actor, userId, disabled);
    revalidatePath('/users');
    return { userId };
  },
);

export const forceSignOutAction = authedAction('forceSignOut', userIdSchema, async ({ userId }, actor) => {
  await forceSignOut(actor, userId);
  revalidatePath('/users');
  return { userId };
});

export const linkIdentityAction = authedAction(
  'linkIdentity',
  linkIdentitySchema,
  async ({ userId, directoryUserId }, actor) => {
    await linkIdentity(actor, userId, directoryUserId);
    revalidatePath('/users');
    return { userId };
  },
);

export const approveLinkGroupsAction = authedAction('approveLinkGroups', userIdSchema, async ({ userId }, actor) => {
  await approveLinkGroups(actor, userId);
  revalidatePath('/users');
  return { userId };
});

export const unlinkIdentityAction = authedAction('unlinkIdentity', userIdSchema, async ({ userId }, actor) => {
  await unlinkIdentity(actor, userId);
  revalidatePath('/users');
  return { userId };
});

export const changePasswordAction = authedAction(
  'changePassword',
  changePasswordSchema,
  async ({ current, password }, actor) => {
    const h = await headers();
    await changeOwnPassword(
      actor,
      current,
      password,
      requestClientAddress((n) => h.get(n)),
    );
    return { email: actor.email };
  },
);

/** Anonymous: the invite link is the credential, checked by acceptInvite. */
export const acceptInviteAction = publicAction('acceptInvite', acceptInviteSchema, async ({ token, password }) =>
  acceptInvite(token, password),
);
