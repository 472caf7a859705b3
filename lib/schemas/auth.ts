import { z } from 'zod';

export const signInSchema = z.object({
  email: z.string().trim().min(1, 'Enter your email.').max(254).email('Enter a valid email address.'),
  password: z.string().min(1, 'Enter your password.').max(1024),
});

export const setupSchema = z
  .object({
    email: z.string().trim().min(1, 'Enter an email.').max(254).email('Enter a valid email address.'),
    password: z.string().min(12, 'Use at least 12 characters.').max(1024),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The passwords do not match.' });

export type SignInInput = z.infer<typeof signInSchema>;
export type SetupInput = z.infer<typeof setupSchema>;
