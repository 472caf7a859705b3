'use client';
import type { ReactNode } from 'react';
import type { FieldValues } from 'react-hook-form';
import { Button } from '@/components/ui/button';
import { FormError } from './form-error';
import type { ActionForm } from './use-action-form';

/** The submit button of a useActionForm form: disabled and aria-busy while the action runs. */
export function SubmitButton({
  pending,
  variant = 'primary',
  className,
  disabled = false,
  children,
}: {
  pending: boolean;
  variant?: 'primary' | 'secondary';
  className?: string;
  /** Not ready yet (e.g. nothing typed); a running action disables it anyway. */
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <Button
      type="submit"
      variant={variant}
      className={className}
      disabled={pending || disabled}
      aria-busy={pending || undefined}
    >
      {children}
    </Button>
  );
}

/** A form in a dialog: its message on top, the fields, then Cancel and the submit button. */
export function DialogForm<V extends FieldValues>({
  of: { form, onSubmit, pending },
  submitLabel,
  onCancel,
  children,
}: {
  of: ActionForm<V>;
  submitLabel: string;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3 text-left">
      <FormError form={form} />
      {children}
      <div className="flex justify-end gap-2">
        <Button onClick={onCancel}>Cancel</Button>
        <SubmitButton pending={pending}>{submitLabel}</SubmitButton>
      </div>
    </form>
  );
}

/**
 * A form on the page, framed as a card: the fields side by side on wide screens (the grid's
 * columns in `columns`, e.g. "md:grid-cols-5") with the submit button last, its message above them.
 */
export function CardForm<V extends FieldValues>({
  of: { form, onSubmit, pending },
  label,
  submitLabel,
  columns,
  children,
}: {
  of: ActionForm<V>;
  /** The form's accessible name. */
  label: string;
  submitLabel: string;
  columns: string;
  children: ReactNode;
}) {
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={label}
      className={`grid gap-3 rounded-lg border border-slate-200 bg-white p-4 md:items-end ${columns}`}
    >
      {form.formState.errors.root ? (
        <div className="md:col-span-full">
          <FormError form={form} />
        </div>
      ) : null}
      {children}
      <SubmitButton pending={pending}>{submitLabel}</SubmitButton>
    </form>
  );
}
