// Local listeners for "something the verify path caches has changed". Mutations call
// changed() right after their commit, so this instance is fresh at once; other
// instances learn it from the epoch poll.
const slot = globalThis as unknown as { __posternInvalidate?: Set<() => void> };
const listeners = (slot.__posternInvalidate ??= new Set());

export function onChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function changed(): void {
  for (const l of listeners) l();
}
