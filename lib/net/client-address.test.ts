import { describe, it, expect } from 'vitest';
import { clientAddress, normalizeAddress, trustedProxyHops } from './client-address';

describe('clientAddress: X-Forwarded-For read from the right', () => {
  const proxy = '10.0.0.5'; // the proxy that calls Postern: the socket peer
  it.each([
    // [X-Forwarded-For, peer, hops, expected]
    ['203.0.113.7', proxy, 1, '203.0.113.7'], // the proxy appended the client it saw
    ['10.1.2.3, 203.0.113.7', proxy, 1, '203.0.113.7'], // client-written entries are never read
    ['10.1.2.3,203.0.113.7', proxy, 1, '203.0.113.7'],
    ['10.1.2.3, 198.51.100.1, 203.0.113.7', proxy, 2, '198.51.100.1'], // two trusted proxies
    [null, proxy, 0, proxy], // no proxy: the peer is the client
    ['10.1.2.3', '203.0.113.9', 0, '203.0.113.9'], // no proxy: a client-written header is ignored
    [null, proxy, 1, null], // a proxy that did not append: unknown, not the proxy's own address
    ['203.0.113.7', proxy, 2, null], // fewer entries than hops
    ['not-an-ip, 203.0.113.7', proxy, 1, '203.0.113.7'],
    ['203.0.113.7, not-an-ip', proxy, 1, null], // unparseable → unknown
    ['203.0.113.7, ', proxy, 1, null],
    ['203.0.113.7', null, 1, null], // the peer is not known: nothing can be trusted
    ['[2001:db8::1]:443', proxy, 1, '2001:db8::1'],
    ['203.0.113.7:5555', proxy, 1, '203.0.113.7'],
    ['::ffff:203.0.113.7', proxy, 1, '203.0.113.7'],
    [null, '::ffff:127.0.0.1', 0, '127.0.0.1'],
  ] as const)('%j via %s, hops %i → %s', (xff, peer, hops, expected) => {
    expect(clientAddress(xff, peer, hops)).toBe(expected);
  });
});

describe('normalizeAddress', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['2001:DB8::1', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['1.2.3.4.5', null],
    ['1.2.3', null],
    ['999.1.1.1', null],
    ['', null],
    ['unknown', null],
    ['x'.repeat(100), null],
  ] as const)('%j → %j', (raw, expected) => expect(normalizeAddress(raw)).toBe(expected));
});

describe('TRUSTED_PROXY_HOPS', () => {
  it.each([
    [undefined, 1],
    ['', 1],
    ['0', 0],
    ['2', 2],
    ['-1', 1],
    ['1.5', 1],
    ['abc', 1],
    ['11', 1],
  ] as const)('%j → %i', (env, n) => {
    expect(trustedProxyHops(env)).toBe(n);
  });
});
