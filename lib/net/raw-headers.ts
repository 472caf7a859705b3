// Request headers read straight from node:http's `rawHeaders`, as `req.headers` would give
// them, without building that object: the verifier reads a handful of headers per request,
// and `req.headers` lower-cases and copies every one (~1 µs on a forward-auth request, the
// verify path's largest cost after the socket write; bench/README.md).
/**
 * Node's rule for a repeated header (lib/_http_incoming.js, matchKnownFields, with the
 * default joinDuplicateHeaders: false): these keep their first value, `cookie` joins with
 * '; ', every other joins with ', ' (set-cookie, an array there, is joined here too).
 */
const FIRST_WINS = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

/** Whether raw header name `k` is `lower` (a lower-case name) in any case, without allocating. */
function sameName(k: string, lower: string): boolean {
  if (k.length !== lower.length) return false;
  if (k === lower) return true;
  for (let i = 0; i < k.length; i++) {
    let c = k.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** A header by lower-case name, null when absent: the value `req.headers[name]` has (arrays joined). */
export function rawHeader(raw: readonly string[], name: string): string | null {
  let out: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    if (!sameName(raw[i]!, name)) continue;
    const v = raw[i + 1]!;
    if (out === null) {
      if (FIRST_WINS.has(name)) return v;
      out = v;
    } else out += (name === 'cookie' ? '; ' : ', ') + v;
  }
  return out;
}
