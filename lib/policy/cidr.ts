// IP parsing without node:net, so policies also validate in the browser (the editor).
// An address is a number (IPv4, 0..2^32-1) or a bigint (IPv6): typeof tells the family
// apart without allocating a wrapper on the evaluation path.

export type IpAddress = number | bigint;

const MAPPED_PREFIX = 0xffffn; // ::ffff:0:0/96 holds IPv4-mapped addresses

export function parseIPv4(s: string): number | null {
  if (s.length < 7 || s.length > 15) return null;
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46; // a virtual '.' closes the last part
    if (c === 46) {
      if (digits === 0 || part > 255) return null;
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // Leading zeros are refused: some parsers read them as octal (010 = 8).
      if (digits === 1 && part === 0) return null;
      part = part * 10 + (c - 48);
      if (++digits > 3) return null;
    } else {
      return null;
    }
  }
  return parts === 4 ? value : null;
}

function parseGroups(text: string, groups: number[]): boolean {
  if (text === '') return true;
  for (const g of text.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
    groups.push(parseInt(g, 16));
  }
  return true;
}

export function parseIPv6(s: string): bigint | null {
  if (s.length < 2 || s.length > 45 || s.includes('%')) return null;
  let tail: number | null = null;
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    tail = parseIPv4(s.slice(lastColon + 1));
    if (tail === null) return null;
    text = s.slice(0, lastColon + 1);
    // "::1.2.3.4" leaves "::"; "a:b::c:1.2.3.4" leaves "a:b::c:" — drop a dangling single colon.
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const left: number[] = [];
  const right: number[] = [];
  if (!parseGroups(halves[0] ?? '', left)) return null;
  if (halves.length === 2 && !parseGroups(halves[1] ?? '', right)) return null;
  const tailGroups = tail === null ? 0 : 2;
  const present = left.length + right.length + tailGroups;
  if (halves.length === 2 ? present > 7 : present !== 8) return null;
  const groups = [...left, ...new Array<number>(8 - present).fill(0), ...right];
  if (tail !== null) groups.push(Math.floor(tail / 65536), tail % 65536);
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

/** A request's source address; IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as IPv4. */
export function parseIp(s: string): IpAddress | null {
  const v4 = parseIPv4(s);
  if (v4 !== null) return v4;
  const v6 = parseIPv6(s);
  if (v6 === null) return null;
  return v6 >> 32n === MAPPED_PREFIX ? Number(v6 & 0xffffffffn) : v6;
}

export type IpRange =
  | { readonly family: 4; readonly start: number; readonly end: number }
  | { readonly family: 6; readonly start: bigint; readonly end: bigint };

/** Parses an IP address or a CIDR range (host bits are masked away, as Go's ParseCIDR does). */
export function parseIpRange(s: string): IpRange | null {
  const slash = s.indexOf('/');
  const addr = slash === -1 ? s : s.slice(0, slash);
  let prefix: number | null = null;
  if (slash !== -1) {
    const p = s.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    prefix = Number(p);
  }
  const v4 = parseIPv4(addr);
  if (v4 !== null) {
    const bits = prefix ?? 32;
    if (bits > 32) return null;
    const size = 2 ** (32 - bits);
    const start = Math.floor(v4 / size) * size;
    return { family: 4, start, end: start + size - 1 };
  }
  const v6 = parseIPv6(addr);
  if (v6 === null) return null;
  const bits = prefix ?? 128;
  if (bits > 128) return null;
  const shift = BigInt(128 - bits);
  const start = (v6 >> shift) << shift;
  const end = start + (1n << shift) - 1n;
  // Requests from IPv4-mapped addresses are matched as IPv4, so a mapped range must be too.
  if (bits >= 96 && start >> 32n === MAPPED_PREFIX) {
    return { family: 4, start: Number(start & 0xffffffffn), end: Number(end & 0xffffffffn) };
  }
  return { family: 6, start, end };
}

/** Precompiles a list of ranges into a membership test. Assumes the ranges were validated. */
export function compileIpRanges(list: readonly string[]): (ip: IpAddress) => boolean {
  const v4: number[] = [];
  const v6: bigint[] = [];
  for (const s of list) {
    const r = parseIpRange(s);
    if (!r) throw new Error(`invalid IP range ${JSON.stringify(s)}`);
    if (r.family === 4) v4.push(r.start, r.end);
    else v6.push(r.start, r.end);
  }
  return (ip) => {
    const ranges: readonly IpAddress[] = typeof ip === 'number' ? v4 : v6;
    for (let i = 0; i + 1 < ranges.length; i += 2) {
      if (ip >= (ranges[i] as IpAddress) && ip <= (ranges[i + 1] as IpAddress)) return true;
    }
    return false;
  };
}
