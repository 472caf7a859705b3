import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKey, openSecret, sealSecret, SecretKeyError } from './crypto-box';

const key = deriveKey(`${'a'.repeat(32)}-correct-secret`);
const PLAINTEXT = JSON.stringify({ kty: 'EC', d: 'private-scalar', note: 'ünïcode ✓' });

function flipChar(s: string, index: number): string {
  const c = s[index] === 'A' ? 'B' : 'A';
  return s.slice(0, index) + c + s.slice(index + 1);
}

describe('deriveKey', () => {
  it('is deterministic, 32 bytes, and differs per secret', () => {
    expect(deriveKey('s'.repeat(40))).toEqual(deriveKey('s'.repeat(40)));
    expect(deriveKey('s'.repeat(40))).toHaveLength(32);
    expect(deriveKey('s'.repeat(40))).not.toEqual(deriveKey('t'.repeat(40)));
  });
});

describe('sealSecret / openSecret', () => {
  it('round-trips and uses a fresh IV each time', () => {
    const a = sealSecret(PLAINTEXT, key);
    const b = sealSecret(PLAINTEXT, key);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(a).not.toEqual(b);
    expect(a).not.toContain('private-scalar');
    expect(openSecret(a, key)).toBe(PLAINTEXT);
    expect(openSecret(b, key)).toBe(PLAINTEXT);
  });

  it('fails with a clear error under the wrong key', () => {
    const sealed = sealSecret(PLAINTEXT, key);
    const wrong = deriveKey(`${'b'.repeat(32)}-other-secret`);
    expect(() => openSecret(sealed, wrong)).toThrow(SecretKeyError);
    expect(() => openSecret(sealed, wrong)).toThrow('cannot decrypt signing key: wrong SECRET_KEY?');
  });

  it('fails when ciphertext, IV or tag is altered', () => {
    const sealed = sealSecret(PLAINTEXT, key);
    const [v, iv, ct, tag] = sealed.split('.') as [string, string, string, string];
    const variants = [
      [v, iv, flipChar(ct, 5), tag],
      [v, flipChar(iv, 3), ct, tag],
      [v, iv, ct, flipChar(tag, 4)],
      [v, iv, ct, Buffer.from(tag, 'base64url').subarray(0, 12).toString('base64url')], // GCM accepts short tags unless told not to
      [v, iv, `${ct}!`, tag],
      ['v2', iv, ct, tag],
      [v, iv, ct],
    ];
    for (const parts of variants) {
      expect(() => openSecret(parts.join('.'), key)).toThrow(SecretKeyError);
    }
    expect(() => openSecret('', key)).toThrow(SecretKeyError);
  });

  it('refuses keys of the wrong size', () => {
    expect(() => sealSecret('x', randomBytes(16))).toThrow(TypeError);
    expect(() => openSecret('v1.a.b.c', new Uint8Array(31))).toThrow(TypeError);
  });
});
