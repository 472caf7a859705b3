// Where SECRET_KEY comes from when the operator did not set one: a file generated once
// in the data directory, so a first run works without configuration and restarts keep
// the same key (losing it would make every stored signing key unreadable).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

export const MIN_SECRET_LENGTH = 32;
const FILE_NAME = 'secret.key';

export class SecretConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretConfigError';
  }
}

function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as NodeJS.ErrnoException).code === code;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readSecretFile(file: string): string {
  // Another process may have created the file a moment ago and not yet written it.
  for (let attempt = 0; ; attempt++) {
    const value = readFileSync(file, 'utf8').trim();
    if (value.length >= MIN_SECRET_LENGTH) return value;
    if (attempt >= 20) {
      throw new SecretConfigError(
        `${file} holds fewer than ${MIN_SECRET_LENGTH} characters; restore it from a backup ` +
          'or set SECRET_KEY (a new key cannot decrypt existing signing keys)',
      );
    }
    sleepSync(25);
  }
}

/**
 * Returns SECRET_KEY if set, else the contents of `<dataDir>/secret.key`, creating it
 * on first use. A file with looser permissions than 0600 is still used: refusing to
 * start would lock the operator out of their own keys; fixing the mode is theirs to do.
 */
export function loadOrCreateSecret(opts: { envValue?: string; dataDir: string }): string {
  const { envValue, dataDir } = opts;
  if (envValue !== undefined && envValue !== '') {
    if (envValue.length < MIN_SECRET_LENGTH) {
      throw new SecretConfigError(
        `SECRET_KEY must be at least ${MIN_SECRET_LENGTH} characters long ` +
          '(e.g. the output of `openssl rand -base64 32`)',
      );
    }
    return envValue;
  }

  const file = path.join(dataDir, FILE_NAME);
  try {
    return readSecretFile(file);
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e;
  }

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  try {
    // 'wx' fails if the file exists, so two processes starting together agree on one key.
    writeFileSync(file, `${secret}\n`, { flag: 'wx', mode: 0o600 });
    return secret;
  } catch (e) {
    if (isErrno(e, 'EEXIST')) return readSecretFile(file);
    throw e;
  }
}
