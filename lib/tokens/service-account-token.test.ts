import { createHmac } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportSPKI } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { mintAssertion } from './assertion';
import { generateSigningKey, importSigningKey, importVerifyKey, type SigningKeyPair } from './keys';
import {
  mintServiceAccountToken,
  tokenGeneration,
  verifyServiceAccountToken,
  type Signer,
  type SigningKeyInput,
} from './service-account-token';

const NOW = new Date('2030-01-01T00:00:00Z');
const AUD = 'postern';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

let pair: SigningKeyPair;
let signer: Signer;
let verifyKey: SigningKeyInput;
let getKey: (kid: string) => SigningKeyInput | undefined;

beforeAll(async () => {
  pair = await generateSigningKey();
  signer = { kid: pair.kid, key: await importSigningKey(pair.privateJwk) };
  verifyKey = await importVerifyKey(pair.publicJwk);
  getKey = (kid) => (kid === pair.kid ? verifyKey : undefined);
});

const CLAIMS = {
  issuer: 'https://postern.example',
  audience: AUD,
  subject: 'ci-runner@ns-1.pomerium',
  accountId: 'sa_123',
  generation: 1,
  now: NOW,
};

function mint(extra: { expiresAt?: Date | null; now?: Date; signer?: Signer } = {}) {
  return mintServiceAccountToken({ signer, ...CLAIMS, ...extra });
}

function verify(token: string, now = NOW) {
  return verifyServiceAccountToken(token, { getKey, audience: AUD, now });
}

/** Signed with a fresh key pair, under its own kid or the one given. */
async function signerOfOtherKey(kid?: string): Promise<Signer> {
  const other = await generateSigningKey();
  return { kid: kid ?? other.kid, key: await importSigningKey(other.privateJwk) };
}

async function expectInvalid(token: string, detail?: string) {
  const result = await verify(token);
  expect(result).toMatchObject({ ok: false, error: 'invalid_token', ...(detail === undefined ? {} : { detail }) });
}

describe('mintServiceAccountToken', () => {
  it("uses Pomerium's claim layout with an ES256 header", async () => {
    const token = await mint();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: pair.kid, typ: 'JWT' });
    const iat = NOW.getTime() / 1000;
    expect(decodeJwt(token)).toEqual({
      iss: 'https://postern.example',
      aud: AUD,
      sub: 'ci-runner@ns-1.pomerium',
      jti: 'sa_123',
      gen: 1,
      iat,
      nbf: iat,
    });
    const withExpiry = await mint({ expiresAt: new Date(NOW.getTime() + 86_400_000) });
    expect(decodeJwt(withExpiry).exp).toBe(iat + 86_400);
  });

  it('refuses an expiry that is not in the future', async () => {
    await expect(mint({ expiresAt: NOW })).rejects.toThrow(RangeError);
  });
});

describe('verifyServiceAccountToken', () => {
  it('accepts a token it minted and returns its claims', async () => {
    const expiresAt = new Date(NOW.getTime() + 3_600_000);
    const result = await verify(await mint({ expiresAt }));
    expect(result).toEqual({
      ok: true,
      claims: {
        iss: 'https://postern.example',
        aud: AUD,
        sub: 'ci-runner@ns-1.pomerium',
        jti: 'sa_123',
        gen: 1,
        iat: NOW.getTime() / 1000,
        nbf: NOW.getTime() / 1000,
        exp: expiresAt.getTime() / 1000,
      },
    });
  });

  it('carries the generation, and counts a token without one as the first', async () => {
    const third = await verify(await mintServiceAccountToken({ signer, ...CLAIMS, generation: 3 }));
    expect(third.ok && tokenGeneration(third.claims)).toBe(3);
    // A token issued before rotation existed: the same claims, no `gen`.
    const legacy = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: pair.kid, typ: 'JWT' })
      .setIssuer(CLAIMS.issuer)
      .setAudience(AUD)
      .setSubject(CLAIMS.subject)
      .setJti(CLAIMS.accountId)
      .setIssuedAt(NOW.getTime() / 1000)
      .sign(signer.key);
    const old = await verify(legacy);
    expect(old.ok && old.claims.gen).toBeUndefined();
    expect(old.ok && tokenGeneration(old.claims)).toBe(1);
  });

  it('refuses a generation that is not a positive integer, and never mints one', async () => {
    for (const gen of [0, -1, 1.5, '2', null]) {
      const forged = await new SignJWT({ gen: gen as number })
        .setProtectedHeader({ alg: 'ES256', kid: pair.kid, typ: 'JWT' })
        .setIssuer(CLAIMS.issuer)
        .setAudience(AUD)
        .setSubject(CLAIMS.subject)
        .setJti(CLAIMS.accountId)
        .setIssuedAt(NOW.getTime() / 1000)
        .sign(signer.key);
      expect(await verify(forged), String(gen)).toMatchObject({ ok: false, detail: 'token generation is invalid' });
    }
    await expect(mintServiceAccountToken({ signer, ...CLAIMS, generation: 0 })).rejects.toThrow(RangeError);
  });

  it('accepts an async key lookup', async () => {
    const result = await verifyServiceAccountToken(await mint(), {
      getKey: async (kid) => getKey(kid),
      audience: AUD,
      now: NOW,
    });
    expect(result.ok).toBe(true);
  });

  it('reports an expired token as expired, but only beyond the clock tolerance', async () => {
    const token = await mint({ expiresAt: new Date(NOW.getTime() + 60_000) });
    expect(await verify(token, new Date(NOW.getTime() + 60_000 + 20_000))).toMatchObject({ ok: true });
    expect(await verify(token, new Date(NOW.getTime() + 60_000 + 31_000))).toMatchObject({
      ok: false,
      error: 'expired',
    });
  });

  it('rejects a token whose nbf is in the future beyond the tolerance', async () => {
    const token = await mint({ now: new Date(NOW.getTime() + 120_000) });
    await expectInvalid(token, 'token is not valid yet');
    const slightlyAhead = await mint({ now: new Date(NOW.getTime() + 10_000) });
    expect(await verify(slightlyAhead)).toMatchObject({ ok: true });
  });

  it('rejects the wrong audience', async () => {
    const result = await verifyServiceAccountToken(await mint(), { getKey, audience: 'other', now: NOW });
    expect(result).toMatchObject({ ok: false, error: 'invalid_token' });
  });

  it('rejects alg "none"', async () => {
    const payload = (await mint()).split('.')[1] as string;
    const token = `${b64({ alg: 'none', kid: pair.kid, typ: 'JWT' })}.${payload}.`;
    await expectInvalid(token);
    // With a dummy signature the shape check passes, so the alg check itself is exercised.
    const withSig = `${token}AAAA`;
    await expectInvalid(withSig, 'token algorithm is not ES256');
  });

  it('rejects HS256 tokens keyed with the public key (algorithm confusion)', async () => {
    const payload = (await mint()).split('.')[1] as string;
    const header = b64({ alg: 'HS256', kid: pair.kid, typ: 'JWT' });
    const pem = await exportSPKI(verifyKey);
    for (const secret of [pem, JSON.stringify(pair.publicJwk)]) {
      const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      await expectInvalid(`${header}.${payload}.${sig}`, 'token algorithm is not ES256');
    }
  });

  it('rejects an unknown or missing kid', async () => {
    await expectInvalid(await mint({ signer: await signerOfOtherKey() }), 'token signed with an unknown key');

    const [, payload, sig] = (await mint()).split('.');
    await expectInvalid(`${b64({ alg: 'ES256', typ: 'JWT' })}.${payload}.${sig}`);
    await expectInvalid(`${b64({ alg: 'ES256', kid: 42 })}.${payload}.${sig}`);
  });

  it('rejects a token signed by another key under our kid', async () => {
    await expectInvalid(await mint({ signer: await signerOfOtherKey(pair.kid) }), 'signature verification failed');
  });

  it('rejects a flipped signature character', async () => {
    const token = await mint();
    const i = token.lastIndexOf('.') + 10;
    const flipped = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    await expectInvalid(flipped);
  });

  it('rejects a tampered payload that keeps the original signature', async () => {
    const [header, payload, sig] = (await mint()).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = b64({ ...claims, sub: 'admin@ns-1.pomerium' });
    await expectInvalid(`${header}.${tampered}.${sig}`, 'signature verification failed');
  });

  it('rejects an upstream assertion replayed as an account token', async () => {
    const assertion = await mintAssertion({ signer, ...CLAIMS });
    await expectInvalid(assertion);
  });

  it('never throws, whatever the input', async () => {
    const sig = (await mint()).split('.')[2];
    const inputs: unknown[] = [
      '',
      'abc',
      'a.b',
      'a.b.c.d',
      '!!!.@@@.###',
      `${b64('not an object')}.${b64({})}.${sig}`,
      `${Buffer.from('{garbage').toString('base64url')}.e30.${sig}`,
      `${b64({ alg: 'ES256', kid: pair.kid })}.${Buffer.from('{garbage').toString('base64url')}.${sig}`,
      `${b64({ alg: 'ES256', kid: pair.kid })}.${b64([1, 2])}.${sig}`,
      `${b64({ alg: 'ES256', kid: pair.kid })}.${b64({ sub: 's', jti: 'j', iat: 'x', aud: AUD, iss: 'i' })}.${sig}`,
      `${b64({ alg: 'ES256', kid: pair.kid })}.A.${sig}`,
      `${b64({ alg: 'ES256', kid: 'k'.repeat(10_000) })}.e30.${sig}`,
      'x'.repeat(1 << 20),
      `${'a'.repeat(70_000)}.${'b'.repeat(70_000)}.${'c'.repeat(70_000)}`,
      null,
      undefined,
      42,
    ];
    for (const input of inputs) {
      await expect(verify(input as string)).resolves.toMatchObject({ ok: false, error: 'invalid_token' });
    }
  });

  it('turns a failing key lookup into a result, not an exception', async () => {
    const result = await verifyServiceAccountToken(await mint(), {
      getKey: () => {
        throw new Error('db down');
      },
      audience: AUD,
      now: NOW,
    });
    expect(result).toMatchObject({ ok: false, error: 'invalid_token' });
  });
});
