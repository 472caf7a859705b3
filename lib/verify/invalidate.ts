// Local listeners for "something the verify path caches has changed". Mutations call
// changed() right after their commit, so this instance is fresh at once; other console
// instances learn it from LISTEN/NOTIFY or the epoch poll, verifiers from the change stream.
import type { ChangeScope } from '@/lib/verify/types';

/** `version`: the state version the change committed as, when known. */
type Listener = (scope: ChangeScope, version?: bigint) => void;
const slot = globalThis as unknown as { __posternInvalidate?: Set<Listener> };
const listeners = (slot.__posternInvalidate ??= new Set());

export function onChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function changed(scopes: Iterable<ChangeScope> = ['all'], version?: bigint): void {
  for (const scope of scopes) for (const l of listeners) l(scope, version);
}
