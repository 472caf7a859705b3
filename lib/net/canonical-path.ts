// The one form of a request path that route matching and `http_path` see. A proxy may
// describe the path raw (Caddy, Traefik, nginx's $request_uri, Envoy), and upstreams
// resolve `..`, `%2e` and `//` themselves, so Postern must judge the path the upstream
// will serve, not the bytes the client chose. Pure: no framework imports.

export type CanonicalPath = { ok: true; path: string } | { ok: false; reason: string };

/** Longer descriptions are refused: nginx's default header buffer is 8 KB. */
export const MAX_PATH_LENGTH = 8192;

const HEX = '0123456789ABCDEF';
const UNRESERVED = /[A-Za-z0-9\-._~]/;
// pchar minus '%' (handled apart): unreserved, sub-delims, ':' and '@'; '/' separates segments.
const KEEP_RAW = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

const pct = (byte: number) => `%${HEX[byte >> 4]}${HEX[byte & 15]}`;

export interface CanonicalOptions {
  /** `;` starts path parameters that some upstreams (Tomcat, Spring) strip: refused unless allowed. */
  allowSemicolon?: boolean;
  /**
   * The input is text typed by a person (a route's From URL): every non-ASCII character is
   * encoded as UTF-8. Otherwise it came from a header, where each character is one byte.
   */
  text?: boolean;
}

/**
 * Canonicalises the path of a request target (its query and fragment are cut off):
 * 1. percent-encoding: escapes of unreserved characters are decoded, every other escape is
 *    kept with upper-case hex, and characters outside RFC 3986's pchar set (spaces,
 *    non-ASCII, quotes…) are encoded as UTF-8;
 * 2. `//` runs are merged into one `/`;
 * 3. dot segments are removed (RFC 3986 §5.2.4), `%2e` included since step 1 decoded it.
 * Refused: an encoded `/` or `\`, a raw `\`, NUL or control characters, invalid
 * percent-encoding, a target that is not origin-form (`*`, `http://…`), `;` unless allowed,
 * and anything longer than MAX_PATH_LENGTH.
 */
export function canonicalPath(target: string, options: CanonicalOptions = {}): CanonicalPath {
  if (target.length > MAX_PATH_LENGTH) return { ok: false, reason: 'path too long' };
  const end = target.search(/[?#]/);
  const raw = end === -1 ? target : target.slice(0, end);
  if (raw === '') return { ok: true, path: '/' };
  if (raw[0] !== '/') return { ok: false, reason: 'path must start with /' };

  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    const code = raw.charCodeAt(i);
    if (ch === '%') {
      const hi = hexValue(raw.charCodeAt(i + 1));
      const lo = hexValue(raw.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return { ok: false, reason: 'invalid percent-encoding' };
      const byte = hi * 16 + lo;
      if (byte === 0x2f || byte === 0x5c) return { ok: false, reason: 'encoded / or \\ in path' };
      if (byte < 0x20 || byte === 0x7f) return { ok: false, reason: 'control character in path' };
      const c = String.fromCharCode(byte);
      out += UNRESERVED.test(c) ? c : pct(byte);
      i += 2;
    } else if (code < 0x20 || code === 0x7f) {
      return { ok: false, reason: 'control character in path' };
    } else if (ch === '\\') {
      return { ok: false, reason: '\\ in path' };
    } else if (ch === ';' && !options.allowSemicolon) {
      return { ok: false, reason: '; (path parameters) in path' };
    } else if (KEEP_RAW.test(ch)) {
      out += ch;
    } else if (code < 0x80) {
      out += pct(code);
    } else if (code <= 0xff && !options.text) {
      // Header values arrive as Latin-1 strings: each char is one byte of the raw UTF-8.
      out += pct(code);
    } else {
      // A path typed in the console (route prefixes): encode its UTF-8 bytes.
      const cp = raw.codePointAt(i)!;
      for (const b of new TextEncoder().encode(String.fromCodePoint(cp))) out += pct(b);
      if (cp > 0xffff) i++;
    }
  }
  if (out.length > MAX_PATH_LENGTH) return { ok: false, reason: 'path too long' };
  return { ok: true, path: removeDotSegments(out.replace(/\/{2,}/g, '/')) };
}

/** RFC 3986 §5.2.4 for an absolute path (starts with `/`). */
export function removeDotSegments(path: string): string {
  if (!path.includes('.')) return path;
  const segments = path.split('/');
  const stack: string[] = [];
  // segments[0] is '' (the leading '/').
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i]!;
    const last = i === segments.length - 1;
    if (s === '.' || s === '..') {
      if (s === '..') stack.pop();
      // A trailing dot segment leaves a trailing '/': "/a/b/.." → "/a/".
      if (last) stack.push('');
    } else {
      stack.push(s);
    }
  }
  return `/${stack.join('/')}`;
}

/** Prefixes match on segment boundaries: `/public` covers `/public` and `/public/…`, not `/publicity`. */
export function underPrefix(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47);
}
