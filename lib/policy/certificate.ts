// Client-certificate values in policies. Pure (no node:crypto): the editor validates
// these in the browser. Hashing a certificate is the caller's job (lib/verify).

const SHORT = /^[0-9a-f]{64}$/;
const LONG = /^[0-9A-F]{2}(?::[0-9A-F]{2}){31}$/;

/**
 * The two fingerprint forms Pomerium accepts, as 64 lower-case hex digits: the short
 * form as is, `AB:CD:…` (32 upper-case pairs) without colons in lower case. Anything
 * else (mixed case, other lengths) is refused, as Pomerium refuses it.
 */
export function canonicalFingerprint(s: string): string | null {
  if (SHORT.test(s)) return s;
  if (LONG.test(s)) return s.replaceAll(':', '').toLowerCase();
  return null;
}

/** Standard base64 (with padding) of exactly 32 bytes: a SHA-256 hash. */
export function isSpkiHash(s: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(s);
}
