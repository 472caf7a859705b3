// ES256 signing keys. Asymmetric, unlike Pomerium's shared HS256 secret, so anyone
// holding the JWKS can check a token offline while only the console can mint one.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey, JWK } from 'jose';

export const SIGNING_ALG = 'ES256';

export type SigningKeyPair = { kid: string; publicJwk: JWK; privateJwk: JWK };

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth', 'priv'] as const;

type EcPublicFields = { kty: 'EC'; crv: 'P-256'; x: string; y: string };

function ecPublicFields(jwk: JWK): EcPublicFields {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new TypeError('expected an EC P-256 JWK');
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

/** kid = RFC 7638 thumbprint, so the id is derived from the key and cannot drift from it. */
export async function generateSigningKey(): Promise<SigningKeyPair> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const pub = ecPublicFields(await exportJWK(publicKey));
  const priv = await exportJWK(privateKey);
  if (typeof priv.d !== 'string') throw new Error('exported private key lacks "d"');
  const kid = await calculateJwkThumbprint(pub, 'sha256');
  const meta = { kid, alg: SIGNING_ALG, use: 'sig' };
  return {
    kid,
    publicJwk: { ...pub, ...meta },
    privateJwk: { ...pub, d: priv.d, ...meta },
  };
}

/** The imported key is non-extractable: once in memory it can sign but not leak via export. */
export async function importSigningKey(privateJwk: JWK): Promise<CryptoKey> {
  const pub = ecPublicFields(privateJwk);
  if (typeof privateJwk.d !== 'string') throw new TypeError('private JWK lacks "d"');
  return importJWK({ ...pub, d: privateJwk.d }, SIGNING_ALG, { extractable: false });
}

/** Imports only the public members, even if handed a private JWK by mistake. */
export async function importVerifyKey(publicJwk: JWK): Promise<CryptoKey> {
  return importJWK(ecPublicFields(publicJwk), SIGNING_ALG);
}

/** The JWKS document; private members are dropped even though callers pass public keys. */
export function toJwks(publicJwks: JWK[]): { keys: JWK[] } {
  return {
    keys: publicJwks.map((jwk) => {
      const copy: Record<string, unknown> = { ...jwk };
      for (const member of PRIVATE_MEMBERS) delete copy[member];
      return copy as JWK;
    }),
  };
}
