// Pure token logic: no framework imports, so it is usable from route handlers,
// scripts and tests alike.
export { extractToken, looksLikeCompactJws, MAX_TOKEN_LENGTH } from './extract';
export type { ExtractResult } from './extract';
export { deriveKey, openSecret, sealSecret, SecretKeyError } from './crypto-box';
export { loadOrCreateSecret, MIN_SECRET_LENGTH, SecretConfigError } from './secret-file';
export { keyFingerprint, readSecretIfPresent } from './key-fingerprint';
export {
  generateSigningKey,
  importSigningKey,
  importVerifyKey,
  SIGNING_ALG,
  toJwks,
} from './keys';
export type { SigningKeyPair } from './keys';
export { mintServiceAccountToken, tokenGeneration, verifyServiceAccountToken } from './service-account-token';
export type {
  ServiceAccountClaims,
  Signer,
  SigningKeyInput,
  VerifyOptions,
  VerifyResult,
} from './service-account-token';
export { AssertionCache, DEFAULT_ASSERTION_TTL_SEC, mintAssertion } from './assertion';
export type { AssertionInput } from './assertion';
