// Encryption at rest for signing keys: AES-256-GCM under a key derived from SECRET_KEY.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
// Binding the version into the tag means a future format cannot be confused with v1.
const AAD = Buffer.from(`postern-sealed-${VERSION}`, 'utf8');
const B64URL = /^[A-Za-z0-9_-]*$/;

/** A sealed value cannot be opened: wrong SECRET_KEY, or the stored value was altered. */
export class SecretKeyError extends Error {
  constructor(message = 'cannot decrypt signing key: wrong SECRET_KEY?') {
    super(message);
    this.name = 'SecretKeyError';
  }
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    throw new TypeError(`encryption key must be ${KEY_BYTES} bytes`);
  }
}

/**
 * Derives the AES key from SECRET_KEY. HKDF rather than using the string directly, so
 * any high-entropy string works and the same secret can feed other purposes later
 * under a different `info` without the keys being related.
 */
export function deriveKey(secret: string): Uint8Array {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new TypeError('secret must be a non-empty string');
  }
  return new Uint8Array(hkdfSync('sha256', secret, 'postern', 'signing-key-encryption', KEY_BYTES));
}

/** Returns `v1.<iv>.<ciphertext>.<tag>`, each part base64url. */
export function sealSecret(plaintext: string, key: Uint8Array): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(AAD);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv, ciphertext, tag].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** Decodes strictly: Node's decoder skips junk characters, which would hide tampering. */
function decodePart(part: string): Buffer | null {
  if (!B64URL.test(part)) return null;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : null;
}

export function openSecret(sealed: string, key: Uint8Array): string {
  checkKey(key);
  const parts = typeof sealed === 'string' ? sealed.split('.') : [];
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new SecretKeyError('cannot decrypt signing key: stored value is not in a known format');
  }
  const iv = decodePart(parts[1] ?? '');
  const ciphertext = decodePart(parts[2] ?? '');
  const tag = decodePart(parts[3] ?? '');
  // An exact tag length matters: GCM would otherwise accept a truncated, forgeable tag.
  if (!iv || !ciphertext || !tag || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretKeyError('cannot decrypt signing key: stored value is corrupted');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(AAD);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError();
  }
}
