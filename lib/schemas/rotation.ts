import { z } from 'zod';
import { EXPIRATION_PRESETS } from '@/lib/schemas/service-account';

/** How long the replaced token keeps working after a rotation. */
export const GRACE_PERIODS = ['none', '1h', '24h', '7d'] as const;
export type GracePeriod = (typeof GRACE_PERIODS)[number];
export const GRACE_LABELS: Record<GracePeriod, string> = {
  none: 'None: the old token stops now',
  '1h': '1 hour',
  '24h': '24 hours',
  '7d': '7 days',
};
const HOUR = 3_600_000;
export const GRACE_MS: Record<GracePeriod, number> = { none: 0, '1h': HOUR, '24h': 24 * HOUR, '7d': 7 * 24 * HOUR };

/** The rotation dialog; the expiry fields are the creation form's. */
export const rotateServiceAccountSchema = z
  .object({
    id: z.string().uuid(),
    expiration: z.enum(EXPIRATION_PRESETS),
    customExpiresAt: z.string().max(64).optional(),
    grace: z.enum(GRACE_PERIODS),
  })
  .superRefine((v, ctx) => {
    if (v.expiration !== 'custom') return;
    const t = v.customExpiresAt ? Date.parse(v.customExpiresAt) : NaN;
    if (Number.isNaN(t)) ctx.addIssue({ code: 'custom', path: ['customExpiresAt'], message: 'Enter a date and time.' });
    else if (t <= Date.now())
      ctx.addIssue({ code: 'custom', path: ['customExpiresAt'], message: 'The expiry must lie in the future.' });
  });
export type RotateServiceAccountInput = z.input<typeof rotateServiceAccountSchema>;
