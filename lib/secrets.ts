import 'server-only';
import { hkdfSync } from 'node:crypto';
import { config } from '@/lib/config';
import { deriveKey, keyFingerprint, loadOrCreateSecret } from '@/lib/tokens';

// The install's root secret: SECRET_KEY, or DATA_DIR/secret.key created once (mode 0600).
// Back it up with the database: without it the signing keys cannot be decrypted.
const slot = globalThis as unknown as { __posternSecret?: string };

function rootSecret(): string {
  return (slot.__posternSecret ??= loadOrCreateSecret({ envValue: process.env.SECRET_KEY, dataDir: config.dataDir }));
}

/** AES-256-GCM key that seals signing keys at rest. */
export function keyEncryptionKey(): Uint8Array {
  return deriveKey(rootSecret());
}

/** Secret for console session cookies, unless NEXTAUTH_SECRET is set. */
export function sessionSecret(): string {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  return Buffer.from(hkdfSync('sha256', rootSecret(), 'postern', 'session-cookie', 32)).toString('base64url');
}

/** Names the root secret without revealing it: a backup records which key it needs. */
export function secretKeyFingerprint(): string {
  return keyFingerprint(rootSecret());
}
