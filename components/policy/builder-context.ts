'use client';
import { createContext } from 'react';
import type { Issues } from './model-validate';

/** What every node of the builder tree reads: its problems, and whether it was just added (to take focus). */
export const BuilderUiContext = createContext<{
  issues: Issues;
  warnings: Issues;
  focusId: string | null;
  focusOn: (id: string) => void;
}>({
  issues: new Map(),
  warnings: new Map(),
  focusId: null,
  focusOn: () => {},
});
