import { forwardRef, useId, type InputHTMLAttributes, type ReactNode } from 'react';

/** A labelled input with its error message next to it, wired for screen readers. */
export const Field = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string; hint?: ReactNode }>(
  function Field({ label, error, hint, id, className = '', ...props }, ref) {
    const auto = useId();
    const inputId = id ?? auto;
    return (
      <div className="space-y-1">
        <label htmlFor={inputId} className="block text-sm font-medium text-slate-700">{label}</label>
        <input
          ref={ref}
          id={inputId}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${inputId}-error` : hint ? `${inputId}-hint` : undefined}
          className={`block w-full rounded-md border px-2.5 py-1.5 text-sm shadow-sm ${error ? 'border-red-500' : 'border-slate-300'} focus:border-indigo-500 ${className}`}
          {...props}
        />
        {error ? (
          <p id={`${inputId}-error`} role="alert" className="text-xs text-red-700">{error}</p>
        ) : hint ? (
          <p id={`${inputId}-hint`} className="text-xs text-slate-500">{hint}</p>
        ) : null}
      </div>
    );
  },
);
