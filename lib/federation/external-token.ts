// Verifies a token from an external OIDC issuer (a CI platform, a Kubernetes cluster)
// with the keys the issuer publishes: discovery document → jwks_uri → jose's remote JWK
// set, each cached. Framework-free; the database side is lib/dal/token-exchange.ts.
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import { looksLikeCompactJws } from '@/lib/tokens/extract';

/** Public-key algorithms only: never `none`, never HMAC (whose key would be the public JWKS). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLOCK_TOLERANCE_SEC = 30;
const FETCH_TIMEOUT_MS = 5000;
const MAX_DISCOVERY_BYTES = 256 * 1024;
const LOCALHOST = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface IssuerKeys {
  issuerUrl: string;
  audience: string;
  /** null: read from the issuer's discovery document. */
  jwksUrl: string | null;
}

export interface UrlPolicy {
  /** FEDERATION_ALLOW_HTTP_LOCALHOST=1 (tests, local development): http:// on localhost only. */
  allowHttpLocalhost: boolean;
}

/**
 * Why an issuer or JWKS URL is refused, or null. Production issuers are https; plain http
 * only on localhost and only when the installation allows it (an attacker on the path
 * could otherwise hand out keys).
 */
export function issuerUrlProblem(raw: string, policy: UrlPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Enter a full URL, e.g. https://token.actions.githubusercontent.com.';
  }
  if (url.username || url.password) return 'The URL must not contain a user name or password.';
  if (url.search || url.hash) return 'The URL must not have a query or fragment.';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && policy.allowHttpLocalhost && LOCALHOST.has(url.hostname)) return null;
  return url.protocol === 'http:'
    ? 'The URL must use https (plain http is allowed only for localhost, with FEDERATION_ALLOW_HTTP_LOCALHOST=1).'
    : 'The URL must use https.';
}

/** The `iss` of a token, read without verifying it: only to find which trusted issuer may verify it. */
export function peekIssuer(token: string): { iss: string; sub: string | null } | null {
  if (!looksLikeCompactJws(token)) return null;
  try {
    const { iss, sub } = decodeJwt(token);
    return typeof iss === 'string' && iss ? { iss, sub: typeof sub === 'string' ? sub : null } : null;
  } catch {
    return null;
  }
}

export type ExternalFailure =
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'audience'
  | 'signature'
  | 'claims'
  | 'keys_unavailable';

export type ExternalResult =
  | { ok: true; claims: JWTPayload & { iss: string; sub: string } }
  | { ok: false; reason: ExternalFailure; detail: string };

class KeysUnavailable extends Error {}

const discovered = new LRUCache<string, string>({ max: 1000, ttl: 60 * 60_000 });
/** A failed discovery is not retried for 30 s: a public endpoint must not make us hammer a failing issuer. */
const undiscoverable = new LRUCache<string, string>({ max: 1000, ttl: 30_000 });
const discovering = new Map<string, Promise<string>>();
const keySets = new LRUCache<string, ReturnType<typeof createRemoteJWKSet>>({ max: 1000 });

async function fetchDiscovery(issuerUrl: string, policy: UrlPolicy): Promise<string> {
  const res = await fetch(`${issuerUrl.replace(/\/+$/, '')}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    redirect: 'error',
    headers: { accept: 'application/json' },
  }).catch(() => {
    throw new KeysUnavailable('the issuer’s discovery document could not be fetched');
  });
  if (!res.ok) throw new KeysUnavailable(`the issuer’s discovery document answered ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_DISCOVERY_BYTES) throw new KeysUnavailable('the issuer’s discovery document is too large');
  let doc: { issuer?: unknown; jwks_uri?: unknown };
  try {
    doc = JSON.parse(text);
  } catch {
    throw new KeysUnavailable('the issuer’s discovery document is not JSON');
  }
  // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for.
  if (doc.issuer !== issuerUrl) throw new KeysUnavailable('the discovery document names another issuer');
  if (typeof doc.jwks_uri !== 'string' || issuerUrlProblem(doc.jwks_uri, policy))
    throw new KeysUnavailable('the discovery document has no usable jwks_uri');
  return doc.jwks_uri;
}

/** The issuer's JWKS URL: given, or from its discovery document (cached an hour; concurrent callers share one fetch). */
async function jwksUrlOf(issuer: IssuerKeys, policy: UrlPolicy): Promise<string> {
  if (issuer.jwksUrl) return issuer.jwksUrl;
  const hit = discovered.get(issuer.issuerUrl);
  if (hit) return hit;
  const failed = undiscoverable.get(issuer.issuerUrl);
  if (failed) throw new KeysUnavailable(failed);
  let p = discovering.get(issuer.issuerUrl);
  if (!p) {
    p = fetchDiscovery(issuer.issuerUrl, policy).finally(() => discovering.delete(issuer.issuerUrl));
    discovering.set(issuer.issuerUrl, p);
  }
  const uri = await p.catch((e: unknown) => {
    if (e instanceof KeysUnavailable) undiscoverable.set(issuer.issuerUrl, e.message);
    throw e;
  });
  discovered.set(issuer.issuerUrl, uri);
  return uri;
}

/**
 * jose's remote JWK set per URL: keys cached for 10 minutes, refetched at most every 30 s
 * when a token names an unknown `kid` (a key rotation), so unknown kids cannot make us
 * hammer the issuer.
 */
function keySetOf(jwksUrl: string) {
  let set = keySets.get(jwksUrl);
  if (!set) {
    set = createRemoteJWKSet(new URL(jwksUrl), {
      timeoutDuration: FETCH_TIMEOUT_MS,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
    keySets.set(jwksUrl, set);
  }
  return set;
}

const fail = (reason: ExternalFailure, detail: string): ExternalResult => ({ ok: false, reason, detail });

// Fixed texts, never jose's messages: they would echo attacker-chosen values into logs.
function failureOf(e: unknown): ExternalResult {
  if (e instanceof KeysUnavailable) return fail('keys_unavailable', e.message);
  if (e instanceof errors.JWTExpired) return fail('expired', 'the token has expired');
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'aud') return fail('audience', 'the token is for another audience');
    if (e.claim === 'nbf' || e.claim === 'iat') return fail('not_yet_valid', 'the token is not valid yet');
    return fail('claims', `the token's ${e.claim === 'iss' ? 'issuer' : 'claims'} are not acceptable`);
  }
  if (e instanceof errors.JWKSNoMatchingKey)
    return fail('signature', 'the token is signed with a key the issuer does not publish');
  if (e instanceof errors.JWSSignatureVerificationFailed) return fail('signature', 'the signature does not verify');
  if (e instanceof errors.JOSEAlgNotAllowed)
    return fail('signature', 'the token uses an algorithm that is not accepted');
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid)
    return fail('keys_unavailable', 'the issuer’s keys could not be fetched');
  if (e instanceof errors.JOSEError) return fail('malformed', 'the token is malformed');
  // fetch failures inside jose (connection refused, DNS) surface as plain errors.
  return fail('keys_unavailable', 'the issuer’s keys could not be fetched');
}

/**
 * Checks signature (with the issuer's published keys), `iss`, `aud` (exactly the expected
 * audience, among others if the token has several), `exp` (required), `nbf` and `sub`.
 * Never throws.
 */
export async function verifyExternalToken(
  token: string,
  issuer: IssuerKeys,
  policy: UrlPolicy,
  now?: Date,
): Promise<ExternalResult> {
  if (!looksLikeCompactJws(token)) return fail('malformed', 'the token is not a compact JWT');
  try {
    const keys = keySetOf(await jwksUrlOf(issuer, policy));
    const { payload } = await jwtVerify(token, keys, {
      issuer: issuer.issuerUrl,
      audience: issuer.audience,
      algorithms: ALGORITHMS,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_SEC,
      currentDate: now,
    });
    if (typeof payload.sub !== 'string' || !payload.sub) return fail('claims', 'the token has no subject');
    return { ok: true, claims: payload as JWTPayload & { iss: string; sub: string } };
  } catch (e) {
    return failureOf(e);
  }
}

/** Forgets every cached discovery document and key set (tests that restart an issuer). */
export function forgetIssuerKeys(): void {
  discovered.clear();
  undiscoverable.clear();
  keySets.clear();
}
