import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';

/**
 * Puts a failed action's field messages next to the form's fields (the server validates
 * with the same schema, and the DAL adds its own, e.g. "already taken"). Returns whether
 * any landed, so the caller shows the general message only when none did.
 */
export function applyFieldErrors<F extends FieldValues>(
  fieldErrors: Record<string, string[]> | undefined,
  setError: UseFormSetError<F>,
  fields: readonly Path<F>[],
): boolean {
  let placed = false;
  for (const field of fields) {
    const message = fieldErrors?.[field]?.[0];
    if (message) {
      setError(field, { message });
      placed = true;
    }
  }
  return placed;
}
