// A name for the root secret that reveals nothing about it: a backup records the fingerprint
// of the key its signing keys are sealed with, so a restore can refuse the wrong key before
// the server would fail on the first token.
import { hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MIN_SECRET_LENGTH } from './secret-file';

/** 16 bytes of HKDF-SHA256 over the secret (its own `info`, unrelated to the sealing key), hex. */
export function keyFingerprint(secret: string): string {
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError('secret must be a non-empty string');
  return Buffer.from(hkdfSync('sha256', secret, 'postern', 'key-fingerprint', 16)).toString('hex');
}

/**
 * The root secret as the server would load it (SECRET_KEY, else `<dataDir>/secret.key`),
 * without creating one: null when neither is there.
 */
export function readSecretIfPresent(opts: { envValue?: string; dataDir: string }): string | null {
  if (opts.envValue) return opts.envValue;
  try {
    const value = readFileSync(path.join(opts.dataDir, 'secret.key'), 'utf8').trim();
    return value.length >= MIN_SECRET_LENGTH ? value : null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
