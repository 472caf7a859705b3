'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { rotateServiceAccountAction } from '@/lib/actions/rotation';
import { GRACE_LABELS, GRACE_PERIODS, rotateServiceAccountSchema } from '@/lib/schemas/rotation';
import { defaultExpiration, type EffectiveLifetimeRule } from '@/lib/schemas/lifetime-rule';
import { Button } from '@/components/ui/button';
import { SelectField } from '@/components/ui/field';
import { Options } from '@/components/ui/options';
import { Modal } from '@/components/ui/modal';
import { useActionForm } from '@/components/actions/use-action-form';
import { DialogForm } from '@/components/actions/action-form';
import { ExpirationFields } from './expiration-fields';
import { TokenReveal } from './token-reveal';

type Rotated = { userId: string; token: string; expiresAt: string | null; previousValidUntil: string | null };

const GRACES = GRACE_PERIODS.map((g) => ({ value: g, label: GRACE_LABELS[g] }));

/** Rotate: a new token, shown once as at creation; the old one keeps working for the chosen grace. */
export function RotateServiceAccount({
  id,
  userId,
  disabled,
  rule,
}: {
  id: string;
  userId: string;
  disabled: boolean;
  rule: EffectiveLifetimeRule;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  // The JWT lives only in this component's state while the dialog is open.
  const [rotated, setRotated] = useState<Rotated | null>(null);
  const defaults = { expiration: defaultExpiration(rule), customExpiresAt: '', grace: '24h' } as const;
  const rotate = useActionForm({
    schema: rotateServiceAccountSchema,
    action: (values) =>
      rotateServiceAccountAction({
        ...values,
        customExpiresAt:
          values.expiration === 'custom' && values.customExpiresAt
            ? new Date(values.customExpiresAt).toISOString()
            : undefined,
      }),
    extra: { id },
    defaultValues: { id, ...defaults },
    onSuccess: (data) => setRotated(data),
  });
  const { register, watch, reset, formState } = rotate.form;
  const close = () => {
    setOpen(false);
    setRotated(null);
    reset({ id, ...defaults });
    router.refresh();
  };
  return (
    <>
      <Button variant="ghost" aria-label={`Rotate ${userId}`} onClick={() => setOpen(true)}>
        Rotate
      </Button>
      <Modal
        open={open}
        onClose={close}
        title={rotated ? 'Token rotated' : `Rotate the token of ${userId}`}
        wide={!!rotated}
      >
        {rotated ? (
          <div className="space-y-3">
            <p className="text-sm text-slate-700" data-testid="old-token-fate">
              {rotated.previousValidUntil ? (
                <>
                  The old token keeps working until{' '}
                  <time dateTime={rotated.previousValidUntil}>
                    {new Date(rotated.previousValidUntil).toLocaleString()}
                  </time>
                  , then stops.
                </>
              ) : (
                'The old token no longer works.'
              )}
            </p>
            <TokenReveal token={rotated.token} userId={rotated.userId} expiresAt={rotated.expiresAt} onDone={close} />
          </div>
        ) : (
          <DialogForm of={rotate} submitLabel="Rotate" onCancel={close}>
            <p className="text-sm text-slate-600">
              A new token is issued and shown once. The current token keeps working for the grace period, no longer; a
              token from an earlier rotation stops at once.
              {disabled ? ' The account stays disabled until you enable it.' : ''}
            </p>
            <ExpirationFields
              rule={rule}
              expiration={watch('expiration')}
              select={register('expiration')}
              custom={register('customExpiresAt')}
              errors={{
                expiration: formState.errors.expiration?.message,
                customExpiresAt: formState.errors.customExpiresAt?.message,
              }}
            />
            <SelectField label="Old token valid for" error={formState.errors.grace?.message} {...register('grace')}>
              <Options items={GRACES} />
            </SelectField>
          </DialogForm>
        )}
      </Modal>
    </>
  );
}
