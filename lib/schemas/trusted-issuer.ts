import { z } from 'zod';
import { ISSUER_KINDS, LIFETIME_CHOICES } from '@/lib/federation/presets';

export const LIFETIME_VALUES = LIFETIME_CHOICES.map((c) => String(c.value)) as [string, ...string[]];

/** A URL as typed; https (or http on localhost where allowed) is checked on the server, which knows the setting. */
const url = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `Enter the ${what}.`)
    .max(500, 'Use at most 500 characters.')
    .refine((s) => URL.canParse(s), 'Enter a full URL, e.g. https://token.actions.githubusercontent.com.');

export const addTrustedIssuerSchema = z.object({
  namespaceId: z.string().min(1).max(64),
  kind: z.enum(ISSUER_KINDS),
  name: z.string().trim().min(1, 'Enter a name, e.g. GitHub Actions.').max(100, 'Use at most 100 characters.'),
  issuerUrl: url('issuer URL'),
  audience: z
    .string()
    .trim()
    .min(1, 'Enter the audience its tokens carry for Postern.')
    .max(500, 'Use at most 500 characters.'),
  /** Empty: from the issuer's discovery document. */
  jwksUrl: z.union([z.literal(''), url('JWKS URL')]).default(''),
  maxLifetime: z.enum(LIFETIME_VALUES, 'Choose a lifetime.'),
});
export type AddTrustedIssuerInput = z.input<typeof addTrustedIssuerSchema>;

export const trustedIssuerIdSchema = z.object({ id: z.uuid() });
