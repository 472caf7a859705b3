'use client';
import { useState, type ReactNode } from 'react';
import { useRouter } from 'next/navigation';
import type { z } from 'zod';
import { Field } from '@/components/ui/field';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { CardForm } from './action-form';
import { useActionForm, type ActionAnswer } from './use-action-form';

/** The words of an IssueSecret: its form's, and its secret's. */
export interface IssueSecretText {
  /** The form's accessible name and its button, e.g. "Create SCIM token" and "Create token". */
  form: { label: string; submit: string };
  /** The name field, e.g. "Token name" and who will use it. */
  name: { label: string; hint: string };
  /** The secret's field, and what to do with it (before "It will not be shown again."). */
  secret: { label: string; notice: (name: string) => ReactNode };
}

/**
 * Issues a named secret (a SCIM token, a verifier credential): a form for its name, then, in
 * its place until "Done", the secret from the action's answer, shown once. The secret lives
 * only in this component's state.
 */
export function IssueSecret<T extends { name: string }>({
  schema,
  action,
  secretOf,
  text,
}: {
  schema: z.ZodType<{ name: string }, { name: string }>;
  action: (input: { name: string }) => Promise<ActionAnswer<T>>;
  /** The secret in the action's answer. */
  secretOf: (data: T) => string;
  text: IssueSecretText;
}) {
  const router = useRouter();
  const [issued, setIssued] = useState<{ name: string; secret: string } | null>(null);
  const issue = useActionForm({
    schema,
    action,
    defaultValues: { name: '' },
    onSuccess: (data) => {
      issue.form.reset();
      setIssued({ name: data.name, secret: secretOf(data) });
      router.refresh();
    },
  });
  if (issued)
    return (
      <SecretReveal
        card
        label={text.secret.label}
        secret={issued.secret}
        notice={text.secret.notice(issued.name)}
        onDone={() => setIssued(null)}
      />
    );
  return (
    <CardForm of={issue} label={text.form.label} submitLabel={text.form.submit} columns="md:grid-cols-[1fr_auto]">
      <Field
        label={text.name.label}
        hint={text.name.hint}
        error={issue.form.formState.errors.name?.message}
        {...issue.form.register('name')}
      />
    </CardForm>
  );
}
