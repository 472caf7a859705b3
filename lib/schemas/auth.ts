import { z } from 'zod';

export const signInSchema = z.object({
  email: z.string().trim().min(1, 'Enter your email.').max(254).email('Enter a valid email address.'),
  password: z.string().min(1, 'Enter your password.').max(1024),
});

const newPassword = z.string().min(12, 'Use at least 12 characters.').max(1024);

export const setupSchema = z
  .object({
    code: z.string().trim().min(1, 'Enter the setup code from the server log.').max(64),
    email: z.string().trim().min(1, 'Enter an email.').max(254).email('Enter a valid email address.'),
    password: z.string().min(12, 'Use at least 12 characters.').max(1024),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The passwords do not match.' });

/** The invite page: the token comes from the link's fragment, the password from the person. */
export const acceptInviteSchema = z
  .object({ token: z.string().min(20).max(200), password: newPassword, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The passwords do not match.' });

export const changePasswordSchema = z
  .object({
    current: z.string().min(1, 'Enter your current password.').max(1024),
    password: newPassword,
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The passwords do not match.' })
  .refine((v) => v.password !== v.current, {
    path: ['password'],
    message: 'Choose a password different from the current one.',
  });

export const addUserSchema = z.object({
  email: z.string().trim().min(1, 'Enter an email.').max(254).email('Enter a valid email address.'),
});
export const userIdSchema = z.object({ userId: z.uuid() });
export const linkIdentitySchema = z.object({ userId: z.uuid(), directoryUserId: z.string().min(1).max(200) });
export const setDisabledSchema = z.object({ userId: z.uuid(), disabled: z.boolean() });

export type AcceptInviteInput = z.infer<typeof acceptInviteSchema>;
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;
export type AddUserInput = z.infer<typeof addUserSchema>;
export type SignInInput = z.infer<typeof signInSchema>;
export type SetupInput = z.infer<typeof setupSchema>;

/** The ID-token claims a single sign-on reads (the IdP's input, validated like any other). */
export const ssoClaimsSchema = z.object({
  iss: z.string().min(1),
  sub: z.string().min(1).max(255),
  email: z.string().trim().max(254).email(),
  // Some providers send the flag as a string.
  email_verified: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
  name: z.string().trim().max(200).optional(),
});
