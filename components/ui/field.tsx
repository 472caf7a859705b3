import { useId, type ComponentProps, type ReactNode } from 'react';

interface Labelled {
  label: string;
  error?: string;
  hint?: ReactNode;
}

type ControlProps = ReturnType<typeof controlProps>;

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

/**
 * The label, the control and its error or hint, wired for screen readers; shared by every
 * field kind. `control` draws the input, select or textarea with the props that wire it.
 */
function FieldShell({
  id,
  label,
  error,
  hint,
  className,
  control,
}: Labelled & { id?: string; className: string; control: (wiring: ControlProps) => ReactNode }) {
  const auto = useId();
  const inputId = id ?? auto;
  return (
    <div className="space-y-1">
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {control(controlProps(inputId, error, hint, className))}
      {error ? (
        <p id={`${inputId}-error`} role="alert" className="text-xs text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p id={`${inputId}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A labelled input with its error message next to it (`ref` reaches the input: react-hook-form's register). */
export function Field({ label, error, hint, id, className = '', ...props }: ComponentProps<'input'> & Labelled) {
  return (
    <FieldShell {...{ id, label, error, hint, className }} control={(wiring) => <input {...wiring} {...props} />} />
  );
}

/** A labelled select, wired like Field. */
export function SelectField({ label, error, hint, id, className = '', ...props }: ComponentProps<'select'> & Labelled) {
  return (
    <FieldShell
      {...{ id, label, error, hint }}
      className={`bg-white ${className}`}
      control={(wiring) => <select {...wiring} {...props} />}
    />
  );
}

/** A labelled textarea, wired like Field. */
export function TextareaField({
  label,
  error,
  hint,
  id,
  className = '',
  ...props
}: ComponentProps<'textarea'> & Labelled) {
  return (
    <FieldShell {...{ id, label, error, hint, className }} control={(wiring) => <textarea {...wiring} {...props} />} />
  );
}
