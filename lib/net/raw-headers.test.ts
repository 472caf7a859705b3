import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawHeader } from '@/lib/net/raw-headers';

// Names with each of Node's rules for a repeated header: first wins, '; ' (cookie), ', '
// (known and unknown), the array (set-cookie), and the verify path's own.
const NAMES = [
  'authorization',
  'host',
  'user-agent',
  'content-length',
  'cookie',
  'set-cookie',
  'origin',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-uri',
  'x-forwarded-method',
  'x-original-url',
  'x-pomerium-authorization',
  'access-control-request-method',
];

let server: http.Server;
let port: number;
// What node:http itself makes of each request: `req.headers` (arrays joined) beside ours.
const seen: { node: Record<string, string | null>; ours: Record<string, string | null> }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const node: Record<string, string | null> = {};
    const ours: Record<string, string | null> = {};
    for (const name of NAMES) {
      const v = req.headers[name];
      node[name] = v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      ours[name] = rawHeader(req.rawHeaders, name);
    }
    seen.push({ node, ours });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** One raw HTTP/1.1 request over a fresh socket; resolves when the answer arrives. */
function send(headerLines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.end(`GET / HTTP/1.1\r\n${headerLines.map((l) => `${l}\r\n`).join('')}Connection: close\r\n\r\n`);
    });
    s.on('data', () => {});
    s.on('end', () => resolve());
    s.on('error', reject);
  });
}

// A deterministic generator, so a failure can be replayed.
function rng(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

describe('rawHeader', () => {
  it('reads every header as req.headers does: any case, repeated, first-wins and joined ones', async () => {
    const r = rng(7);
    const casing = (name: string) => [...name].map((c) => (r() < 0.5 ? c.toUpperCase() : c)).join('');
    for (let n = 0; n < 60; n++) {
      const lines = [`Host: h${n}.test`];
      const count = 1 + Math.floor(r() * 8);
      for (let i = 0; i < count; i++) {
        const name = NAMES[Math.floor(r() * NAMES.length)]!;
        if (name === 'content-length') continue; // a GET with a body is another test's business
        lines.push(`${casing(name)}: v${n}-${i}${r() < 0.2 ? ' with space' : ''}`);
      }
      // Repeat a header now and then, in another case.
      if (r() < 0.5) lines.push(`${casing(lines[lines.length - 1]!.split(':')[0]!.toLowerCase())}: again`);
      await send(lines);
    }
    expect(seen).toHaveLength(60);
    for (const { node, ours } of seen) expect(ours).toEqual(node);
    // The generator did reach each rule.
    expect(seen.some((s) => s.node.cookie?.includes('; '))).toBe(true);
    expect(seen.some((s) => s.node['x-forwarded-for']?.includes(', '))).toBe(true);
  });

  it('keeps the first Authorization when a client sends two, as node:http does', () => {
    const raw = ['authorization', 'Pomerium first', 'Authorization', 'Pomerium second'];
    expect(rawHeader(raw, 'authorization')).toBe('Pomerium first');
    expect(rawHeader(['X-Forwarded-Uri', '/a', 'x-forwarded-uri', '/b'], 'x-forwarded-uri')).toBe('/a, /b');
    expect(rawHeader(['x-forwarded-urj', '/a'], 'x-forwarded-uri')).toBeNull();
  });
});
