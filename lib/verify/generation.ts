// Which token generations of an account verify (rotation with grace, lib/dal/rotation.ts):
// the current one, and the one before it until its grace ends. The grace end is compared
// with the time of the decision, so it takes effect with no change to tell anyone about.
import type { AccountState } from '@/lib/verify/types';

export function generationAccepted(
  account: Pick<AccountState, 'generation' | 'previousValidUntil'>,
  tokenGeneration: number,
  now: number,
): boolean {
  if (tokenGeneration === account.generation) return true;
  return (
    tokenGeneration === account.generation - 1 &&
    account.previousValidUntil !== null &&
    now < account.previousValidUntil
  );
}
