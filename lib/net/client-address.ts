import { isIP } from 'node:net';
import { PEER_HEADER } from './request-stamp';

/**
 * The client address Postern trusts, shared by the verify path (`source_ip`), sign-in
 * throttling and the Change History.
 *
 * The chain is every X-Forwarded-For entry followed by the direct peer (the socket's
 * remote address). `TRUSTED_PROXY_HOPS` proxies sit in front of Postern and each appends
 * the address it saw to X-Forwarded-For; the client is then the entry that many places
 * left of the peer. Entries further left were written by the client and are never read.
 *
 *   hops = 0: no proxy, the peer is the client.
 *   hops = 1 (default): one proxy (nginx, Caddy, Traefik) calls Postern; the rightmost
 *             X-Forwarded-For entry is the address that proxy saw.
 *
 * Without a known peer, or with fewer entries than hops, or with an entry that is not an
 * IP address, the address is unknown (null): it matches no `source_ip` rule.
 */
export function clientAddress(
  forwardedFor: string | null | undefined,
  peer: string | null | undefined,
  hops: number,
): string | null {
  if (!peer) return null;
  const chain = forwardedFor ? forwardedFor.split(',').map((s) => s.trim()) : [];
  chain.push(peer);
  const i = chain.length - 1 - hops;
  if (i < 0) return null;
  return normalizeAddress(chain[i]!);
}

/** `1.2.3.4`, `1.2.3.4:80`, `[::1]:80`, `::ffff:1.2.3.4` → a bare IP; anything else → null. */
export function normalizeAddress(raw: string): string | null {
  let s = raw.trim();
  if (s.length > 64) return null;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end === -1) return null;
    s = s.slice(1, end);
  } else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(s)) {
    s = s.slice(0, s.lastIndexOf(':'));
  }
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  const v = isIP(s);
  if (v === 4) return s;
  if (v === 6) {
    const lower = s.toLowerCase();
    const mapped =
      /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower) ?? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    return mapped && isIP(mapped[1]!) === 4 ? mapped[1]! : lower;
  }
  return null;
}

/** TRUSTED_PROXY_HOPS: a whole number 0–10; anything else falls back to 1 (read once). */
export function trustedProxyHops(env: string | undefined = process.env.TRUSTED_PROXY_HOPS): number {
  if (env === undefined || env.trim() === '') return 1;
  const n = Number(env);
  return Number.isInteger(n) && n >= 0 && n <= 10 ? n : 1;
}

const HOPS = trustedProxyHops();

/** The trusted client address of a request seen through Next.js (the peer comes from the request stamp). */
export function requestClientAddress(get: (name: string) => string | null | undefined, hops = HOPS): string | null {
  return clientAddress(get('x-forwarded-for'), get(PEER_HEADER), hops);
}
export { PEER_HEADER } from './request-stamp';
