'use server';
import { headers } from 'next/headers';
import type { z } from 'zod';
import { authedAction, onRecord, publicAction } from '@/lib/actions/safe-action';
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
import type { Actor } from '@/lib/dal/actor';
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

/** An action on one console user that answers with nothing but the user's id. */
const userAction = <R extends object>(
  name: string,
  schema: z.ZodType<{ userId: string } & R>,
  fn: (actor: Actor, userId: string, rest: R) => Promise<unknown>,
) => authedAction(name, schema, onRecord('userId', fn), '/users');

/** The invite link, shown once to the Admin who hands it on. */
const inviteLink = (r: { inviteUrl: string; expiresAt: Date }) => ({
  inviteUrl: r.inviteUrl,
  expiresAt: r.expiresAt.toISOString(),
});

export const addUserAction = authedAction(
  'addUser',
  addUserSchema,
  async ({ email }, actor) => {
    const r = await addConsoleUser(actor, email);
    return { id: r.id, ...inviteLink(r) };
  },
  '/users',
);

export const reinviteUserAction = authedAction(
  'reinviteUser',
  userIdSchema,
  async ({ userId }, actor) => inviteLink(await reinviteConsoleUser(actor, userId)),
  '/users',
);

export const setUserDisabledAction = userAction('setUserDisabled', setDisabledSchema, (actor, userId, { disabled }) =>
  setConsoleUserDisabled(actor, userId, disabled),
);
export const forceSignOutAction = userAction('forceSignOut', userIdSchema, forceSignOut);
export const linkIdentityAction = userAction('linkIdentity', linkIdentitySchema, (actor, userId, { directoryUserId }) =>
  linkIdentity(actor, userId, directoryUserId),
);
export const approveLinkGroupsAction = userAction('approveLinkGroups', userIdSchema, approveLinkGroups);
export const unlinkIdentityAction = userAction('unlinkIdentity', userIdSchema, unlinkIdentity);

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
