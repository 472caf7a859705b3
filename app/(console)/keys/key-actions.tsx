'use client';
import { retireSigningKeyAction, rotateSigningKeyAction } from '@/lib/actions/signing-keys';
import { ActionButton, DestructiveButton } from '@/components/actions/action-button';

export function RotateButton() {
  return (
    <ActionButton variant="primary" action={() => rotateSigningKeyAction({})}>
      Rotate key
    </ActionButton>
  );
}

export function KeyActions({ kid }: { kid: string }) {
  return (
    <DestructiveButton
      verb="Retire"
      target={kid}
      action={() => retireSigningKeyAction({ kid })}
      confirm={{ title: 'Retire this key?', body: 'Tokens it signed stop working at once.' }}
    />
  );
}
