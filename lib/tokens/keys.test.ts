import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, importSigningKey, importVerifyKey, toJwks } from './keys';
import { mintServiceAccountToken, verifyServiceAccountToken } from './service-account-token';

describe('generateSigningKey', () => {
  it('produces an ES256 pair whose kid is the RFC 7638 thumbprint', async () => {
    const { kid, publicJwk, privateJwk } = await generateSigningKey();
    expect(kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(publicJwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid,
      alg: 'ES256',
      use: 'sig',
    });
    expect(privateJwk).toMatchObject({ ...publicJwk, d: expect.any(String) });
    const other = await generateSigningKey();
    expect(other.kid).not.toBe(kid);
  });

  it('imports keys that sign and verify', async () => {
    const { kid, publicJwk, privateJwk } = await generateSigningKey();
    const signer = { kid, key: await importSigningKey(privateJwk) };
    const token = await mintServiceAccountToken({
      signer,
      issuer: 'i',
      audience: 'a',
      subject: 's',
      accountId: 'j',
      generation: 1,
    });
    // Handing the private JWK to importVerifyKey must still yield a public key.
    for (const jwk of [publicJwk, privateJwk]) {
      const key = await importVerifyKey(jwk);
      expect(key.type).toBe('public');
      const result = await verifyServiceAccountToken(token, { getKey: () => key, audience: 'a' });
      expect(result.ok).toBe(true);
    }
  });

  it('rejects non-P-256 JWKs', async () => {
    await expect(importVerifyKey({ kty: 'RSA', n: 'x', e: 'AQAB' })).rejects.toThrow(TypeError);
    await expect(importSigningKey({ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' })).rejects.toThrow(/"d"/);
  });
});

describe('toJwks', () => {
  it('strips private members', async () => {
    const { privateJwk } = await generateSigningKey();
    const jwks = toJwks([{ ...privateJwk, p: 'p', q: 'q', dp: 'dp', dq: 'dq', qi: 'qi', k: 'k' }]);
    expect(jwks.keys).toHaveLength(1);
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
      expect(jwks.keys[0]).not.toHaveProperty(member);
    }
    expect(privateJwk.d).toBeDefined(); // the input is not mutated
  });

  it('lets a third party verify a token offline from the JWKS alone', async () => {
    const a = await generateSigningKey();
    const b = await generateSigningKey();
    const jwks = JSON.parse(JSON.stringify(toJwks([a.publicJwk, b.publicJwk])));
    const token = await mintServiceAccountToken({
      signer: { kid: b.kid, key: await importSigningKey(b.privateJwk) },
      issuer: 'https://postern.example',
      audience: 'postern',
      subject: 'ci@ns-1.pomerium',
      accountId: 'sa-1',
      generation: 1,
    });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      algorithms: ['ES256'],
      audience: 'postern',
    });
    expect(protectedHeader.kid).toBe(b.kid);
    expect(payload.jti).toBe('sa-1');
  });
});
