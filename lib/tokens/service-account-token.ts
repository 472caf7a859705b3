// The long-lived service-account token, with Pomerium's claim layout (jti = account id,
// sub = user id, exp only when an expiry is set) but signed with ES256 and a kid.
// This is the offline half of a check; revocation and expiry records are the caller's.
import { SignJWT, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { CryptoKey, KeyObject } from 'jose';
import { looksLikeCompactJws } from './extract';
import { SIGNING_ALG } from './keys';

export type SigningKeyInput = CryptoKey | KeyObject;
export type Signer = { kid: string; key: SigningKeyInput };

export type ServiceAccountClaims = {
  sub: string;
  jti: string;
  iat: number;
  nbf?: number;
  exp?: number;
  iss: string;
  aud: string | string[];
  /** The account's token generation (rotation); absent in tokens issued before rotation existed. */
  gen?: number;
};

/** The generation a token counts as: tokens issued before rotation existed carry none and are the first. */
export const tokenGeneration = (claims: Pick<ServiceAccountClaims, 'gen'>): number => claims.gen ?? 1;

export type VerifyResult =
  | { ok: true; claims: ServiceAccountClaims }
  | { ok: false; error: 'invalid_token' | 'expired'; detail: string };

export type VerifyOptions = {
  getKey: (kid: string) => SigningKeyInput | undefined | Promise<SigningKeyInput | undefined>;
  audience: string;
  now?: Date;
  clockToleranceSec?: number;
};

const MAX_KID_LENGTH = 256;
const DEFAULT_CLOCK_TOLERANCE_SEC = 30;

function toEpochSeconds(d: Date, label: string): number {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`${label} is not a valid date`);
  return Math.floor(ms / 1000);
}

export async function mintServiceAccountToken(input: {
  signer: Signer;
  issuer: string;
  audience: string;
  subject: string;
  accountId: string;
  /** The account's current generation: required, so no issuer can mint a token rotation does not know about. */
  generation: number;
  expiresAt?: Date | null;
  now?: Date;
}): Promise<string> {
  if (!Number.isSafeInteger(input.generation) || input.generation < 1)
    throw new RangeError('generation must be a positive integer');
  const iat = toEpochSeconds(input.now ?? new Date(), 'now');
  const jwt = new SignJWT({ gen: input.generation })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: input.signer.kid, typ: 'JWT' })
    .setIssuer(input.issuer)
    .setAudience(input.audience)
    .setSubject(input.subject)
    .setJti(input.accountId)
    .setIssuedAt(iat)
    .setNotBefore(iat);
  if (input.expiresAt) {
    const exp = toEpochSeconds(input.expiresAt, 'expiresAt');
    // A token that is dead on arrival is always a caller bug; fail loudly instead.
    if (exp <= iat) throw new RangeError('expiresAt must be in the future');
    jwt.setExpirationTime(exp);
  }
  return jwt.sign(input.signer.key);
}

const invalid = (detail: string): VerifyResult => ({ ok: false, error: 'invalid_token', detail });

// Fixed texts rather than jose's messages: details may end up in logs or responses and
// must never echo attacker-chosen header or claim values.
function describeJoseError(e: unknown): VerifyResult {
  if (e instanceof errors.JWTExpired) return { ok: false, error: 'expired', detail: 'token has expired' };
  if (e instanceof errors.JWTClaimValidationFailed) {
    switch (e.claim) {
      case 'nbf':
        return invalid('token is not valid yet');
      case 'aud':
        return invalid('token audience does not match');
      default:
        return invalid('token claims are invalid');
    }
  }
  if (e instanceof errors.JWSSignatureVerificationFailed) return invalid('signature verification failed');
  return invalid('token is malformed');
}

/** Never throws: every failure, whatever the input, comes back as a result. */
export async function verifyServiceAccountToken(token: string, opts: VerifyOptions): Promise<VerifyResult> {
  if (typeof token !== 'string' || !looksLikeCompactJws(token)) return invalid('token is malformed');

  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return invalid('token header is malformed');
  }
  // Checked before any key lookup: `none` and HS256-keyed-with-the-public-key attacks
  // rely on the verifier trusting the token's own alg.
  if (header.alg !== SIGNING_ALG) return invalid('token algorithm is not ES256');
  const kid = header.kid;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
    return invalid('token has no usable kid');
  }

  let key: SigningKeyInput | undefined;
  try {
    key = await opts.getKey(kid);
  } catch {
    return invalid('signing key lookup failed');
  }
  if (!key) return invalid('token signed with an unknown key');

  const tolerance = opts.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC;
  if (!Number.isFinite(tolerance) || tolerance < 0) return invalid('invalid clock tolerance');

  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [SIGNING_ALG],
      audience: opts.audience,
      clockTolerance: tolerance,
      currentDate: opts.now,
      requiredClaims: ['sub', 'jti', 'iat', 'iss'],
    });
    const { sub, jti, iat, nbf, exp, iss, aud, gen } = payload;
    if (typeof sub !== 'string' || sub === '') return invalid('token has no subject');
    if (typeof jti !== 'string' || jti === '') return invalid('token has no id');
    if (typeof iat !== 'number' || typeof iss !== 'string' || aud === undefined) {
      return invalid('token claims are invalid');
    }
    // Upstream assertions share our keys; one replayed here must not pass as an account token.
    if ('service_account_id' in payload) return invalid('token is not a service-account token');
    if (gen !== undefined && (typeof gen !== 'number' || !Number.isSafeInteger(gen) || gen < 1))
      return invalid('token generation is invalid');
    const claims: ServiceAccountClaims = { sub, jti, iat, iss, aud };
    if (gen !== undefined) claims.gen = gen;
    if (nbf !== undefined) claims.nbf = nbf;
    if (exp !== undefined) claims.exp = exp;
    return { ok: true, claims };
  } catch (e) {
    return describeJoseError(e);
  }
}
