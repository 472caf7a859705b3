import {
  forwardRef,
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

interface Labelled {
  label: string;
  error?: string;
  hint?: ReactNode;
}

/** The label, the control and its error or hint, wired for screen readers; shared by every field kind. */
function FieldShell({ id, label, error, hint, children }: Labelled & { id: string; children: ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-xs text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

function controlProps(id: string, error: string | undefined, hint: ReactNode, className: string) {
  // A caller's own text size (a monospace textarea in text-xs) replaces the default one.
  const size = /(^|\s)text-(xs|sm|base|lg)(\s|$)/.test(className) ? '' : 'text-sm';
  return {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${id}-error` : hint ? `${id}-hint` : undefined,
    className: `block w-full rounded-md border px-2.5 py-1.5 ${size} shadow-sm ${error ? 'border-red-500' : 'border-slate-300'} focus:border-indigo-500 ${className}`,
  } as const;
}

/** A labelled input with its error message next to it. */
export const Field = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement> & Labelled>(function Field(
  { label, error, hint, id, className = '', ...props },
  ref,
) {
  const auto = useId();
  const inputId = id ?? auto;
  return (
    <FieldShell id={inputId} label={label} error={error} hint={hint}>
      <input ref={ref} {...controlProps(inputId, error, hint, className)} {...props} />
    </FieldShell>
  );
});

/** A labelled select, wired like Field. */
export const SelectField = forwardRef<HTMLSelectElement, SelectHTMLAttributes<HTMLSelectElement> & Labelled>(
  function SelectField({ label, error, hint, id, className = '', children, ...props }, ref) {
    const auto = useId();
    const inputId = id ?? auto;
    return (
      <FieldShell id={inputId} label={label} error={error} hint={hint}>
        <select ref={ref} {...controlProps(inputId, error, hint, `bg-white ${className}`)} {...props}>
          {children}
        </select>
      </FieldShell>
    );
  },
);

/** A labelled textarea, wired like Field. */
export const TextareaField = forwardRef<HTMLTextAreaElement, TextareaHTMLAttributes<HTMLTextAreaElement> & Labelled>(
  function TextareaField({ label, error, hint, id, className = '', ...props }, ref) {
    const auto = useId();
    const inputId = id ?? auto;
    return (
      <FieldShell id={inputId} label={label} error={error} hint={hint}>
        <textarea ref={ref} {...controlProps(inputId, error, hint, className)} {...props} />
      </FieldShell>
    );
  },
);
