/** The request the proxy is asking about, as forward-auth callers describe it. */
export interface ForwardedRequest { host: string; path: string; method: string; sourceIp?: string }

function stripQuery(uri: string): string {
  const q = uri.search(/[?#]/);
  return q === -1 ? uri : uri.slice(0, q);
}

function safeDecodePath(p: string): string {
  try { return decodeURIComponent(p); } catch { return p; }
}

/**
 * Reads the original request from the headers each proxy sends:
 * - Traefik forwardAuth / generic: X-Forwarded-Host, -Proto, -Uri, -Method
 * - Caddy forward_auth: the original Host with X-Forwarded-Uri and -Method
 * - nginx auth_request: X-Original-URL and X-Original-Method (set in the nginx config)
 * - Envoy ext_authz (HTTP): the original path appended to the verify path, original Host and method
 * Returns null when nothing describes a forwarded request: then only the token is checked.
 */
export function readForwarded(get: (name: string) => string | null, method: string, suffix: string | null): ForwardedRequest | null {
  const fwdFor = get('x-forwarded-for');
  const sourceIp = (fwdFor ? fwdFor.split(',')[0]!.trim() : get('x-real-ip')) || undefined;
  const originalUrl = get('x-original-url');
  if (originalUrl) {
    try {
      const u = new URL(originalUrl);
      return { host: u.host.toLowerCase(), path: safeDecodePath(u.pathname), method: (get('x-original-method') || 'GET').toUpperCase(), sourceIp };
    } catch {
      return { host: '', path: '/', method: 'GET', sourceIp }; // unparseable: matches no route
    }
  }
  // Next.js itself fills X-Forwarded-Host/-Proto/-For when they are absent, so only
  // X-Forwarded-Uri says that a proxy described a request (Traefik and Caddy send it).
  const uri = get('x-forwarded-uri');
  const fwdHost = get('x-forwarded-host');
  if (uri !== null) {
    const host = (fwdHost || get('host') || '').split(',')[0]!.trim().toLowerCase();
    return { host, path: safeDecodePath(stripQuery(uri || '/')), method: (get('x-forwarded-method') || method).toUpperCase(), sourceIp };
  }
  if (suffix !== null) {
    const host = (fwdHost || get('host') || '').toLowerCase();
    return { host, path: safeDecodePath(stripQuery(suffix)), method: method.toUpperCase(), sourceIp };
  }
  return null;
}
