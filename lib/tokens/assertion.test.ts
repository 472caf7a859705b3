import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AssertionCache, mintAssertion, type AssertionInput } from './assertion';
import { generateSigningKey, importSigningKey, toJwks, type SigningKeyPair } from './keys';
import type { Signer } from './service-account-token';

const T0 = new Date('2030-01-01T00:00:00Z');
const at = (sec: number) => new Date(T0.getTime() + sec * 1000);

let pair: SigningKeyPair;
let signer: Signer;
beforeAll(async () => {
  pair = await generateSigningKey();
  signer = { kid: pair.kid, key: await importSigningKey(pair.privateJwk) };
});

function input(extra: Partial<AssertionInput> = {}): AssertionInput {
  return {
    signer,
    issuer: 'https://postern.example',
    audience: 'app.example.com',
    subject: 'user-42',
    accountId: 'sa_1',
    now: T0,
    ...extra,
  };
}

describe('mintAssertion', () => {
  it('mints a short-lived ES256 assertion an upstream can check with the JWKS', async () => {
    const token = await mintAssertion(input({ email: 'dev@example.com', groups: ['ops', 'ci'] }));
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(toJwks([pair.publicJwk])), {
      algorithms: ['ES256'],
      audience: 'app.example.com',
      currentDate: at(10),
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: pair.kid, typ: 'JWT' });
    expect(payload).toEqual({
      iss: 'https://postern.example',
      aud: 'app.example.com',
      sub: 'user-42',
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      iat: T0.getTime() / 1000,
      nbf: T0.getTime() / 1000,
      exp: T0.getTime() / 1000 + 300,
      service_account_id: 'sa_1',
      email: 'dev@example.com',
      groups: ['ops', 'ci'],
    });
  });

  it('omits email and groups when unknown, and gives each assertion its own jti', async () => {
    const a = decodeJwt(await mintAssertion(input({ ttlSec: 60 })));
    const b = decodeJwt(await mintAssertion(input({ ttlSec: 60 })));
    expect(a).not.toHaveProperty('email');
    expect(a).not.toHaveProperty('groups');
    expect(a.exp).toBe(T0.getTime() / 1000 + 60);
    expect(a.jti).not.toBe(b.jti);
  });

  it('refuses a non-positive ttl', async () => {
    await expect(mintAssertion(input({ ttlSec: 0 }))).rejects.toThrow(RangeError);
  });
});

describe('AssertionCache', () => {
  it('reuses an assertion until half its ttl has passed, then mints a new one', async () => {
    const cache = new AssertionCache();
    const first = await cache.get(input());
    expect(await cache.get(input({ now: at(1) }))).toBe(first);
    expect(await cache.get(input({ now: at(149) }))).toBe(first);
    const second = await cache.get(input({ now: at(150) }));
    expect(second).not.toBe(first);
    expect(decodeJwt(second).iat).toBe(T0.getTime() / 1000 + 150);
    expect(await cache.get(input({ now: at(200) }))).toBe(second);
  });

  it('shares one signature between concurrent requests', async () => {
    const cache = new AssertionCache();
    const [a, b] = await Promise.all([cache.get(input()), cache.get(input())]);
    expect(a).toBe(b);
  });

  it('keys by account, audience and signing key', async () => {
    const cache = new AssertionCache();
    const base = await cache.get(input());
    expect(await cache.get(input({ accountId: 'sa_2' }))).not.toBe(base);
    expect(await cache.get(input({ audience: 'other.example.com' }))).not.toBe(base);
    const rotated = await generateSigningKey();
    const rotatedSigner = { kid: rotated.kid, key: await importSigningKey(rotated.privateJwk) };
    expect(await cache.get(input({ signer: rotatedSigner }))).not.toBe(base);
    expect(await cache.get(input())).toBe(base);
    expect(cache.size).toBe(4);
  });

  it('does not serve stale identity when email or groups change', async () => {
    const cache = new AssertionCache();
    const before = await cache.get(input({ groups: ['ops'] }));
    const after = await cache.get(input({ groups: ['ops', 'admins'], now: at(5) }));
    expect(after).not.toBe(before);
    expect(decodeJwt(after).groups).toEqual(['ops', 'admins']);
  });

  it('re-mints when the clock steps backwards', async () => {
    const cache = new AssertionCache();
    const first = await cache.get(input({ now: at(100) }));
    expect(await cache.get(input({ now: at(50) }))).not.toBe(first);
  });

  it('is bounded and can be cleared', async () => {
    const cache = new AssertionCache({ max: 2 });
    for (const id of ['a', 'b', 'c']) await cache.get(input({ accountId: id }));
    expect(cache.size).toBe(2);
    const b = await cache.get(input({ accountId: 'b' }));
    cache.clear();
    expect(cache.size).toBe(0);
    expect(await cache.get(input({ accountId: 'b' }))).not.toBe(b);
  });
});
