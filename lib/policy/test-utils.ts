// Helpers shared by this folder's tests; not exported from index.ts.
import { parsePolicy, PolicyError } from './index';

export function parseError(source: unknown): PolicyError {
  try {
    parsePolicy(source);
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw e;
  }
  throw new Error('expected a PolicyError');
}
