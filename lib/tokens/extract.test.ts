import { describe, expect, it } from 'vitest';
import { extractToken, looksLikeCompactJws, MAX_TOKEN_LENGTH } from './extract';

// Extraction only looks at the shape: compact-JWS strings made here, not real tokens.
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const JWT = `${b64({ alg: 'ES256' })}.${b64({ sub: 'x' })}.${b64('signature')}`;
const OTHER = `${b64({ alg: 'ES256' })}.${b64({ sub: 'y' })}.${b64('signature')}`;

function headers(h: Record<string, string>) {
  const lower = new Map(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
  return (name: string) => lower.get(name.toLowerCase()) ?? null;
}

describe('extractToken', () => {
  it('reads X-Pomerium-Authorization', () => {
    expect(extractToken(headers({ 'X-Pomerium-Authorization': JWT }))).toEqual({ ok: true, token: JWT });
  });

  it('reads Authorization: Pomerium <jwt>, scheme case-insensitive, whitespace trimmed', () => {
    for (const value of [`Pomerium ${JWT}`, `pomerium ${JWT}`, `  POMERIUM \t ${JWT}  `]) {
      expect(extractToken(headers({ Authorization: value }))).toEqual({ ok: true, token: JWT });
    }
  });

  it('reads Authorization: Bearer Pomerium-<jwt>', () => {
    for (const value of [`Bearer Pomerium-${JWT}`, `bearer pomerium-${JWT}`, ` BEARER  Pomerium-${JWT} `]) {
      expect(extractToken(headers({ Authorization: value }))).toEqual({ ok: true, token: JWT });
    }
  });

  it('reports a missing token when no header is present', () => {
    expect(extractToken(headers({}))).toEqual({ ok: false, error: 'missing_token' });
    expect(extractToken(headers({ 'X-Pomerium-Authorization': '   ' }))).toEqual({
      ok: false,
      error: 'missing_token',
    });
  });

  it("ignores the client's own Basic or plain Bearer auth", () => {
    for (const value of ['Basic dXNlcjpwYXNz', `Bearer ${JWT}`, 'Bearer', 'Pomeriumx abc', 'Bearer Pomeriumx']) {
      expect(extractToken(headers({ Authorization: value }))).toEqual({ ok: false, error: 'missing_token' });
    }
  });

  it('uses the X header when Authorization carries unrelated auth', () => {
    expect(extractToken(headers({ 'X-Pomerium-Authorization': JWT, Authorization: 'Basic dXNlcjpwYXNz' }))).toEqual({
      ok: true,
      token: JWT,
    });
  });

  it('does not confuse a control character with the dash in "Pomerium-"', () => {
    expect(extractToken(headers({ Authorization: `Bearer Pomerium\r${JWT}` }))).toEqual({
      ok: false,
      error: 'missing_token',
    });
  });

  it('rejects a claimed Pomerium credential that is empty or not a compact JWS', () => {
    for (const value of [
      'Pomerium',
      'Pomerium   ',
      'Bearer Pomerium-',
      `Pomerium ${JWT}.x`,
      'Pomerium a.b',
      'Pomerium a..c',
    ]) {
      expect(extractToken(headers({ Authorization: value }))).toEqual({ ok: false, error: 'invalid_token' });
    }
    for (const value of ['not-a-jwt', 'a.b.c d', 'a.b.c,a.b.c', 'a.b.c=', '....']) {
      expect(extractToken(headers({ 'X-Pomerium-Authorization': value }))).toEqual({
        ok: false,
        error: 'invalid_token',
      });
    }
  });

  it('rejects two different tokens in the two headers', () => {
    const get = headers({ 'X-Pomerium-Authorization': JWT, Authorization: `Pomerium ${OTHER}` });
    expect(extractToken(get)).toEqual({ ok: false, error: 'invalid_token' });
  });

  it('accepts the same token in both headers', () => {
    const get = headers({ 'X-Pomerium-Authorization': JWT, Authorization: `Bearer Pomerium-${JWT}` });
    expect(extractToken(get)).toEqual({ ok: true, token: JWT });
  });

  // Speed is measured in bench/, not here: these tests assert the answers only.
  it('rejects oversized values', () => {
    const huge = 'a'.repeat(64 * 1024);
    const hugeJws = `${huge}.${huge}.${huge}`;
    for (let i = 0; i < 3; i++) {
      expect(extractToken(headers({ 'X-Pomerium-Authorization': hugeJws }))).toEqual({
        ok: false,
        error: 'invalid_token',
      });
      expect(extractToken(headers({ Authorization: `Pomerium ${huge}` }))).toEqual({
        ok: false,
        error: 'invalid_token',
      });
    }
  });

  it('accepts a token of exactly the maximum length', () => {
    const token = `${'a'.repeat(100)}.${'b'.repeat(100)}.${'c'.repeat(MAX_TOKEN_LENGTH - 202)}`;
    expect(token).toHaveLength(MAX_TOKEN_LENGTH);
    expect(extractToken(headers({ 'X-Pomerium-Authorization': token }))).toEqual({ ok: true, token });
    expect(extractToken(headers({ 'X-Pomerium-Authorization': `${token}c` }))).toEqual({
      ok: false,
      error: 'invalid_token',
    });
  });

  it('refuses inputs built to make regexes backtrack', () => {
    const evil = `${'a.'.repeat(4000)}!`;
    expect(looksLikeCompactJws(evil)).toBe(false);
    expect(looksLikeCompactJws(`${'a-'.repeat(4000)}.`)).toBe(false);
  });
});
