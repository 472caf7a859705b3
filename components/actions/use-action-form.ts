'use client';
import { useRef, useState } from 'react';
import { useForm, type DefaultValues, type FieldValues, type Path, type UseFormReturn } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';

/** What every server action answers (lib/actions/safe-action.ts). */
export type ActionAnswer<T = unknown> =
  | { ok: true; data: T }
  | { ok: false; code?: string; message: string; fieldErrors?: Record<string, string[]> };

export const UNREACHABLE = 'The server could not be reached. Please try again.';

export interface ActionForm<V extends FieldValues> {
  form: UseFormReturn<V>;
  /** Validates with the shared schema, calls the action, places its errors; pass to <form onSubmit>. */
  onSubmit: (e?: React.BaseSyntheticEvent) => Promise<void>;
  /** True from submit until the action answered (the form cannot be submitted twice). */
  pending: boolean;
}

/**
 * react-hook-form + the zod schema the server action also parses + the action. Server field
 * errors land on their fields; a message that no field carries goes to `errors.root`
 * (render it with <FormError form={form} />). `onSuccess` receives the action's data: the
 * hook keeps none of it, so a secret shown once (a new token) lives only where the caller puts it.
 */
export function useActionForm<S extends z.ZodType<FieldValues, FieldValues>, T>(opts: {
  schema: S;
  action: (input: z.output<S>) => Promise<ActionAnswer<T>>;
  defaultValues?: DefaultValues<z.input<S>>;
  /** Extra input sent with the form's values (an id, a namespace). */
  extra?: Record<string, unknown>;
  onSuccess?: (data: T, values: z.output<S>) => void | Promise<void>;
}): ActionForm<z.input<S>> {
  const form = useForm<z.input<S>, unknown, z.output<S>>({
    resolver: zodResolver(opts.schema as never),
    defaultValues: opts.defaultValues,
  });
  const [pending, setPending] = useState(false);
  // A ref, not the state: a second submit in the same tick must see the first.
  const running = useRef(false);
  const onSubmit = form.handleSubmit(async (values) => {
    if (running.current) return;
    running.current = true;
    setPending(true);
    try {
      const res = await opts.action({ ...values, ...opts.extra } as z.output<S>);
      if (res.ok) {
        await opts.onSuccess?.(res.data, values);
        return;
      }
      const known = new Set(Object.keys(form.getValues() ?? {}));
      let placed = false;
      for (const [field, messages] of Object.entries(res.fieldErrors ?? {})) {
        const top = field.split('.')[0]!;
        if (messages[0] && known.has(top)) {
          form.setError(field as Path<z.input<S>>, { type: 'server', message: messages[0] }, { shouldFocus: !placed });
          placed = true;
        }
      }
      if (!placed) form.setError('root', { type: 'server', message: res.message });
    } catch {
      form.setError('root', { type: 'server', message: UNREACHABLE });
    } finally {
      running.current = false;
      setPending(false);
    }
  });
  return { form: form as unknown as UseFormReturn<z.input<S>>, onSubmit, pending };
}

/**
 * useActionForm for a form whose answer is shown (a check's result, an import's preview). A new
 * submit drops the old answer first, so what is on screen always answers the question the form
 * shows; `clear()` drops it too (call it when the input changes).
 */
export function useActionResult<S extends z.ZodType<FieldValues, FieldValues>, T>(opts: {
  schema: S;
  action: (input: z.output<S>) => Promise<ActionAnswer<T>>;
  defaultValues?: DefaultValues<z.input<S>>;
}): ActionForm<z.input<S>> & { result: T | null; clear: () => void } {
  const [result, setResult] = useState<T | null>(null);
  const actionForm = useActionForm({
    ...opts,
    action: (input) => {
      setResult(null);
      return opts.action(input);
    },
    onSuccess: (data) => setResult(data),
  });
  return { ...actionForm, result, clear: () => setResult(null) };
}
