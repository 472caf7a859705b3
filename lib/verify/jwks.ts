import 'server-only';
import { loadPublicJwks } from '@/lib/dal/signing-keys';
import { getSigner } from '@/lib/verify/keys';
import { toJwks } from '@/lib/tokens';

/** The JWKS document; makes the first signing key if none exists yet, so it is never empty. */
export async function publicJwks() {
  await getSigner();
  return toJwks(await loadPublicJwks());
}
