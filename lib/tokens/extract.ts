// Finds the Pomerium-style service-account token in request headers. This runs on the
// hot verify path for every request, so it works on character codes and allocates only
// the final token slice: no splitting, no lowercasing of whole header values.

/** Longest token we accept; real tokens are ~400 chars, the cap bounds all later work. */
export const MAX_TOKEN_LENGTH = 8192;

// Three base64url parts. The class excludes '.', so each part can only end at a dot and
// the regex cannot backtrack super-linearly; the length cap runs first anyway.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export type ExtractResult = { ok: true; token: string } | { ok: false; error: 'missing_token' | 'invalid_token' };

/** Cheap shape check done before any base64 or crypto work. */
export function looksLikeCompactJws(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && COMPACT_JWS.test(token);
}

const SP = 0x20;
const HTAB = 0x09;

function isWs(code: number): boolean {
  return code === SP || code === HTAB;
}

function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

function trimEnd(s: string, start: number): number {
  let end = s.length;
  while (end > start && isWs(s.charCodeAt(end - 1))) end--;
  return end;
}

/** ASCII case-insensitive match of lowercase `word` at position i. */
function matchesAt(s: string, i: number, word: string): boolean {
  if (s.length - i < word.length) return false;
  for (let k = 0; k < word.length; k++) {
    const w = word.charCodeAt(k);
    const c = s.charCodeAt(i + k);
    // OR-ing 0x20 folds only ASCII letters onto lowercase letters; other characters
    // (e.g. '\r' | 0x20 === '-') must match exactly.
    if (c !== w && !(w >= 0x61 && w <= 0x7a && (c | 0x20) === w)) return false;
  }
  return true;
}

/** After a scheme word, at least one space or tab must follow. */
function afterScheme(s: string, i: number, word: string): number {
  if (!matchesAt(s, i, word)) return -1;
  const j = i + word.length;
  if (j >= s.length || !isWs(s.charCodeAt(j))) {
    // "Pomerium" with nothing after it is still a claimed Pomerium credential.
    return j === s.length ? j : -1;
  }
  return skipWs(s, j);
}

type Candidate = { start: number; end: number } | null;

/** Where the Pomerium token sits inside an Authorization value, or null if none. */
function pomeriumInAuthorization(value: string): Candidate {
  const i = skipWs(value, 0);
  let start = afterScheme(value, i, 'pomerium');
  if (start < 0) {
    const j = afterScheme(value, i, 'bearer');
    if (j < 0 || !matchesAt(value, j, 'pomerium-')) return null;
    start = j + 'pomerium-'.length;
  }
  return { start, end: trimEnd(value, start) };
}

function sliceToken(value: string, c: { start: number; end: number }): string | null {
  if (c.end - c.start > MAX_TOKEN_LENGTH) return null;
  const token = value.slice(c.start, c.end);
  return COMPACT_JWS.test(token) ? token : null;
}

/**
 * Reads the token the way Pomerium does: `X-Pomerium-Authorization: <jwt>`, then
 * `Authorization: Pomerium <jwt>`, then `Authorization: Bearer Pomerium-<jwt>`.
 * Any other Authorization value (Basic, a plain Bearer) belongs to the client's own
 * upstream auth and is ignored. Unlike Pomerium, two different Pomerium tokens are
 * rejected rather than silently preferring one.
 */
export function extractToken(get: (name: string) => string | null | undefined): ExtractResult {
  let fromX: string | null = null;
  const xValue = get('x-pomerium-authorization');
  if (xValue) {
    const start = skipWs(xValue, 0);
    const end = trimEnd(xValue, start);
    if (end > start) {
      fromX = sliceToken(xValue, { start, end });
      if (fromX === null) return { ok: false, error: 'invalid_token' };
    }
  }

  let fromAuth: string | null = null;
  const authValue = get('authorization');
  if (authValue) {
    const c = pomeriumInAuthorization(authValue);
    if (c) {
      fromAuth = sliceToken(authValue, c);
      if (fromAuth === null) return { ok: false, error: 'invalid_token' };
    }
  }

  if (fromX !== null && fromAuth !== null && fromX !== fromAuth) {
    return { ok: false, error: 'invalid_token' };
  }
  const token = fromX ?? fromAuth;
  return token === null ? { ok: false, error: 'missing_token' } : { ok: true, token };
}
