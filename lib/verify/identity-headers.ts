// Identity values travel to upstreams in HTTP headers, which carry printable ASCII only:
// CR/LF would split a header and a non-Latin-1 character makes the response unbuildable.
// Every value is made header-safe the same way, reversibly, so an identity's content can
// never break an answer or be misread by the upstream.

/**
 * Percent-encodes (as UTF-8, like encodeURIComponent) every character outside printable
 * ASCII, every `%`, and a space at either end; everything else stays as it is. Upstreams
 * decode with decodeURIComponent (or any URL-decoder); plain ASCII values arrive unchanged.
 */
export function headerSafe(raw: string): string {
  const value = raw.toWellFormed(); // a lone surrogate becomes U+FFFD instead of throwing below
  let out = '';
  const last = value.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x20 && c < 0x7f && c !== 0x25) out += value[i];
    else if (c === 0x20 && i !== 0 && i !== last) out += ' ';
    else {
      const cp = value.codePointAt(i)!;
      if (cp > 0xffff) i++;
      out += encodeURIComponent(String.fromCodePoint(cp));
    }
  }
  return out;
}

/** A list (groups) as a JSON array, made header-safe: a comma inside a name stays unambiguous. */
export function headerSafeList(values: readonly string[]): string {
  return headerSafe(JSON.stringify(values));
}

/** Every header an allowed answer may carry about who is calling (lower-case names). */
export const IDENTITY_HEADER_NAMES = [
  'x-pomerium-claim-sub',
  'x-pomerium-service-account-id',
  'x-pomerium-claim-email',
  'x-pomerium-claim-groups',
  'x-pomerium-jwt-assertion',
] as const;

/**
 * Each identity header, empty. An allow answer carries every one of them, empty where the
 * identity has no value (no email, no groups, an anonymous caller on a public route): a
 * proxy that copies a header from the answer then replaces a copy the client sent instead
 * of letting it through when the answer lacks it (Traefik's authResponseHeaders and
 * Caddy's copy_headers only overwrite headers the answer has).
 */
export const NO_IDENTITY: Readonly<Record<string, string>> = Object.fromEntries(
  IDENTITY_HEADER_NAMES.map((h) => [h, '']),
);

/** The identity headers of an allowed request (lower-case names); absent values are left out. */
export function identityHeaders(identity: {
  userId: string;
  accountId: string;
  email: string | null;
  groups: readonly string[];
}): Record<string, string> {
  const out: Record<string, string> = {
    'x-pomerium-claim-sub': headerSafe(identity.userId),
    'x-pomerium-service-account-id': headerSafe(identity.accountId),
  };
  if (identity.email) out['x-pomerium-claim-email'] = headerSafe(identity.email);
  if (identity.groups.length) out['x-pomerium-claim-groups'] = headerSafeList(identity.groups);
  return out;
}
