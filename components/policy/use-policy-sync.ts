'use client';
// Keeps the builder model and the form's `ppl` text in step. The text is the source of
// truth; the model follows it, except while the builder holds an unfinished edit.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { parsePolicy, PolicyError, printPolicy, type Policy } from '@/lib/policy';
import { EMPTY_MODEL, fitsBuilder, fromBuilderModel, toBuilderModel, type BuilderModel } from './policy-model';
import { modelWarnings, validateModel } from './model-validate';

export type ParsedText =
  | { state: 'empty' }
  | { state: 'ok'; policy: Policy }
  | { state: 'error'; message: string; line?: number };

export function parseText(text: string): ParsedText {
  if (text.trim() === '') return { state: 'empty' };
  try {
    return { state: 'ok', policy: parsePolicy(text) };
  } catch (e) {
    if (!(e instanceof PolicyError)) return { state: 'error', message: 'The policy could not be read.' };
    // Same wording as the form schema's error, so the live message and the saved one agree.
    return { state: 'error', message: `${e.line ? `Line ${e.line}: ` : ''}${e.message}`, line: e.line };
  }
}

interface SyncState {
  model: BuilderModel;
  /** The text the model was derived from or printed to. */
  synced: string;
  /** The builder holds edits that are not (yet) a valid policy, so `ppl` lags behind. */
  pending: boolean;
  severalRules: boolean;
}

function derive(text: string, parsed: ParsedText): SyncState {
  if (parsed.state === 'ok') {
    return {
      model: toBuilderModel(parsed.policy),
      synced: text,
      pending: false,
      severalRules: !fitsBuilder(parsed.policy),
    };
  }
  return { model: EMPTY_MODEL, synced: text, pending: false, severalRules: false };
}

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

export const VALIDATE_DELAY_MS = 200;

export function usePolicySync(ppl: string, setPpl: (text: string) => void) {
  const settled = useDebounced(ppl, VALIDATE_DELAY_MS);
  const parsed = useMemo(() => parseText(settled), [settled]);
  const [state, setState] = useState<SyncState>(() => derive(ppl, parseText(ppl)));

  // New text settled that the builder did not write (typed in the Editor, or a reset):
  // rebuild the model from it. Broken text leaves the last good model in place. Acting
  // only when `settled` moves keeps a render that sees the builder's new state before
  // the form's new value from reverting the edit.
  const [seen, setSeen] = useState(settled);
  if (seen !== settled) {
    setSeen(settled);
    if (settled === ppl && settled !== state.synced && parsed.state !== 'error') setState(derive(settled, parsed));
  }

  const issues = useMemo(() => validateModel(state.model), [state.model]);
  const warnings = useMemo(() => modelWarnings(state.model), [state.model]);

  const change = useCallback(
    (model: BuilderModel) => {
      let text: string | null = null;
      if (validateModel(model).size === 0) {
        try {
          text = printPolicy(parsePolicy(fromBuilderModel(model)));
        } catch {
          text = null; // validateModel() already explains it
        }
      }
      // Keep the draft either way so nothing typed is lost; only a valid one reaches `ppl`.
      if (text === null) {
        setState((s) => ({ ...s, model, pending: true }));
        return;
      }
      setState({ model, synced: text, pending: false, severalRules: false });
      setPpl(text);
    },
    [setPpl],
  );

  const broken = parsed.state === 'error' && settled === ppl;
  const typing = ppl !== settled && ppl !== state.synced;
  return {
    model: state.model,
    issues,
    warnings,
    pending: state.pending,
    parsed,
    /** Why the builder is read-only right now, if it is. */
    lock: broken ? ('yaml' as const) : state.severalRules ? ('rules' as const) : typing ? ('typing' as const) : null,
    change,
  };
}
