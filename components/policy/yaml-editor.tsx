'use client';
import { useId, useLayoutEffect, useRef } from 'react';
import { useFormContext, useWatch } from 'react-hook-form';
import { policyWarnings, printPolicy } from '@/lib/policy';
import type { PolicyFormValues } from '@/lib/schemas/policy';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { ParsedText } from './use-policy-sync';

// The gutter and the error mark line up with the textarea's lines only if all three
// share the font size, line height and top padding.
const LINE_PX = 20;
const PAD_PX = 8;

/** The PPL text, with line numbers and the line of the first error marked. */
export function YamlEditor({ parsed }: { parsed: ParsedText }) {
  const {
    register,
    control,
    setValue,
    formState: { errors, isSubmitted },
  } = useFormContext<PolicyFormValues>();
  const ppl = useWatch({ control, name: 'ppl' });
  const id = useId();
  const { ref, ...field } = register('ppl');
  const area = useRef<HTMLTextAreaElement | null>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const mark = useRef<HTMLDivElement>(null);

  // Live parse errors first; the schema's (or the server's) error covers the rest, e.g. empty text.
  const live = parsed.state === 'error' ? parsed : null;
  const message = live?.message ?? errors.ppl?.message;
  const errorLine = live?.line;
  const lineCount = ppl.split('\n').length;

  const followScroll = () => {
    const top = area.current?.scrollTop ?? 0;
    if (gutter.current) gutter.current.scrollTop = top;
    if (mark.current) mark.current.style.transform = `translateY(${-top}px)`;
  };
  useLayoutEffect(followScroll);

  const format = () => {
    if (parsed.state === 'ok')
      setValue('ppl', printPolicy(parsed.policy), { shouldDirty: true, shouldValidate: isSubmitted });
  };

  return (
    <div className="space-y-2">
      <div className="flex items-end justify-between gap-2">
        <div>
          <label htmlFor={id} className="block text-sm font-medium text-slate-700">
            Policy YAML
          </label>
          <p id={`${id}-help`} className="text-xs text-slate-500">
            Pomerium Policy Language: a rule with <code>allow</code> and/or <code>deny</code> blocks of <code>and</code>
            , <code>or</code>, <code>not</code>, <code>nor</code> operators, or a list of such rules. Dates without an
            offset are read as UTC; <code>day_of_week</code> is in UTC unless it names a <code>timezone</code> (a
            Postern extension).
          </p>
        </div>
        <Button className="px-2 py-1 text-xs" onClick={format} disabled={parsed.state !== 'ok' || ppl.trim() === ''}>
          Format
        </Button>
      </div>
      <div
        className={`relative flex overflow-hidden rounded-md border bg-white font-mono text-xs focus-within:outline-2 focus-within:outline-offset-2 focus-within:outline-indigo-600 ${message ? 'border-red-500' : 'border-slate-300'}`}
      >
        <div
          ref={gutter}
          aria-hidden="true"
          className="w-10 shrink-0 select-none overflow-hidden border-r border-slate-200 bg-slate-50 text-right text-slate-400"
          style={{ paddingTop: PAD_PX, paddingBottom: PAD_PX, lineHeight: `${LINE_PX}px` }}
        >
          {Array.from({ length: lineCount }, (_, i) => (
            <div key={i} className={`pr-2 ${i + 1 === errorLine ? 'bg-red-100 font-semibold text-red-700' : ''}`}>
              {i + 1}
            </div>
          ))}
        </div>
        <div className="relative min-w-0 flex-1">
          {errorLine ? (
            <div
              ref={mark}
              aria-hidden="true"
              className="pointer-events-none absolute inset-x-0 bg-red-50"
              style={{ top: PAD_PX + (errorLine - 1) * LINE_PX, height: LINE_PX }}
            />
          ) : null}
          <textarea
            {...field}
            ref={(el) => {
              ref(el);
              area.current = el;
            }}
            id={id}
            rows={18}
            wrap="off"
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            onScroll={followScroll}
            aria-invalid={message ? true : undefined}
            aria-describedby={message ? `${id}-error` : `${id}-help`}
            className="relative block w-full resize-y bg-transparent px-3 font-mono text-xs text-slate-900 focus-visible:outline-none"
            style={{ paddingTop: PAD_PX, paddingBottom: PAD_PX, lineHeight: `${LINE_PX}px` }}
          />
        </div>
      </div>
      {message ? (
        <div id={`${id}-error`}>
          <Alert>{message}</Alert>
        </div>
      ) : parsed.state === 'ok' ? (
        <>
          <p className="text-xs text-emerald-700">
            Valid policy{parsed.policy.rules.length === 1 ? '' : ` with ${parsed.policy.rules.length} rules`}.
          </p>
          <ul aria-label="Policy warnings" className="space-y-0.5 empty:hidden">
            {policyWarnings(parsed.policy).map((w) => (
              <li key={w.path + w.message} role="status" className="text-xs text-amber-800">
                Warning: {w.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
