import 'server-only';
import { loadActiveSigner, loadVerifyKeys } from '@/lib/dal/signing-keys';
import type { Signer } from '@/lib/tokens';
import { onChange } from '@/lib/verify/invalidate';

// Imported keys, kept in memory: importing a JWK costs more than a verification.
const slot = globalThis as unknown as {
  __posternKeys?: { signer?: Promise<Signer>; verify?: Promise<Map<string, CryptoKey>> };
};
const cache = (slot.__posternKeys ??= {});
if (!(slot as { __posternKeysHooked?: boolean }).__posternKeysHooked) {
  (slot as { __posternKeysHooked?: boolean }).__posternKeysHooked = true;
  onChange(() => {
    cache.signer = undefined;
    cache.verify = undefined;
  });
}

function remember<T>(
  get: () => Promise<T> | undefined,
  set: (p: Promise<T> | undefined) => void,
  load: () => Promise<T>,
): Promise<T> {
  let p = get();
  if (!p) {
    p = load();
    set(p);
    // A failed load (database down) is not remembered: the next call tries again.
    p.catch(() => {
      if (get() === p) set(undefined);
    });
  }
  return p;
}

export const getSigner = () =>
  remember(
    () => cache.signer,
    (p) => {
      cache.signer = p;
    },
    loadActiveSigner,
  );
export const getVerifyKeys = () =>
  remember(
    () => cache.verify,
    (p) => {
      cache.verify = p;
    },
    loadVerifyKeys,
  );
