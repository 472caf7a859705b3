import 'server-only';
import { createHash, randomBytes } from 'node:crypto';

// Bearer credentials the console issues (SCIM tokens, verifier credentials): shown once,
// only their SHA-256 kept. A recognisable prefix lets secret scanners find leaked ones.

const MAX_CREDENTIAL_LENGTH = 256;

export const newCredential = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`;

export const hashCredential = (credential: string) => createHash('sha256').update(credential, 'utf8').digest('hex');

/** The credential of `Authorization: Bearer <credential>`, or null when there is none or it is too long. */
export function bearerCredential(authorization: string | null | undefined): string | null {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  const credential = m?.[1];
  return credential && credential.length <= MAX_CREDENTIAL_LENGTH ? credential : null;
}
