'use client';
import type { FieldValues, UseFormReturn } from 'react-hook-form';
import { Alert } from '@/components/ui/alert';

/** The form-level message of a useActionForm form (`errors.root`), announced as an alert. */
export function FormError<V extends FieldValues>({ form }: { form: UseFormReturn<V> }) {
  const message = form.formState.errors.root?.message;
  return message ? <Alert>{message}</Alert> : null;
}
