/**
 * Where to go after signing in: `next` when it resolves to a path of this origin, else
 * `fallback`. Decided as a browser would read it (`new URL(next, origin)`), so that
 * `/\evil.example`, `/%09/evil.example`, `//evil` and `javascript:` all fall back. Returns
 * a path (pathname, search, hash), never an absolute URL.
 */
export function safeNextPath(next: unknown, origin: string, fallback = '/'): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2048) return fallback;
  // Browsers drop tabs and newlines inside URLs and treat `\` like `/`; some routers decode
  // once more. Judge the value as given and decoded once: either must be a plain path.
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return fallback;
  }
  for (const v of [next, decoded]) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    if (/[\u0000-\u001f\u007f\\]/.test(v)) return fallback;
    if (!v.startsWith('/') || v.startsWith('//')) return fallback;
  }
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== new URL(origin).origin) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Normalisation (e.g. /a/..//evil) must not produce a protocol-relative path either.
  return path.startsWith('//') ? fallback : path;
}
