import { describe, it, expect } from 'vitest';
import { compileIpRanges, parseIp, parseIPv4, parseIPv6, parseIpRange } from './cidr';

describe('IP parsing', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.1.2.3', 0x0a010203],
    ['255.255.255.255', 0xffffffff],
  ])('reads IPv4 %s', (s, n) => {
    expect(parseIPv4(s)).toBe(n);
  });

  it.each(['256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.-4', '1..2.3', ' 1.2.3.4', '1.2.3.4 '])(
    'refuses IPv4 %j',
    (s) => {
      expect(parseIPv4(s)).toBeNull();
    },
  );

  it.each([
    ['::', 0n],
    ['::1', 1n],
    ['2001:db8::', 0x20010db8n << 96n],
    ['2001:DB8:0:0:0:0:0:1', (0x20010db8n << 96n) | 1n],
    ['1:2:3:4:5:6:7::', 0x00010002000300040005000600070000n],
    ['::ffff:1.2.3.4', 0xffff01020304n],
    ['64:ff9b::192.0.2.33', (0x64ff9bn << 96n) | 0xc0000221n],
  ])('reads IPv6 %s', (s, n) => {
    expect(parseIPv6(s)).toBe(n);
  });

  it.each([
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    'fe80::1%eth0',
    ':1::',
    'g::1',
    '::1.2.3.256',
  ])('refuses IPv6 %j', (s) => {
    expect(parseIPv6(s)).toBeNull();
  });

  it('reads IPv4-mapped IPv6 addresses as IPv4', () => {
    expect(parseIp('::ffff:10.0.0.1')).toBe(0x0a000001);
    expect(parseIp('::1')).toBe(1n);
    expect(parseIp('nope')).toBeNull();
  });
});

describe('IP ranges', () => {
  it('masks host bits as Go does and treats a bare address as one host', () => {
    expect(parseIpRange('10.1.2.3/8')).toEqual({ family: 4, start: 0x0a000000, end: 0x0affffff });
    expect(parseIpRange('10.1.2.3')).toEqual({ family: 4, start: 0x0a010203, end: 0x0a010203 });
    expect(parseIpRange('0.0.0.0/0')).toEqual({ family: 4, start: 0, end: 0xffffffff });
    expect(parseIpRange('2001:db8::1/32')).toEqual({
      family: 6,
      start: 0x20010db8n << 96n,
      end: (0x20010db9n << 96n) - 1n,
    });
  });

  it('turns an IPv4-mapped IPv6 range into the IPv4 range', () => {
    expect(parseIpRange('::ffff:10.0.0.0/104')).toEqual({ family: 4, start: 0x0a000000, end: 0x0affffff });
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/08', '10.0.0.0/-1', '10.0.0.0/8/8', 'x/8'])(
    'refuses %j',
    (s) => {
      expect(parseIpRange(s)).toBeNull();
    },
  );

  it('matches addresses of the right family only', () => {
    const contains = compileIpRanges(['10.0.0.0/8', '2001:db8::/32', '192.168.1.1']);
    expect(contains(parseIp('10.255.255.255') as number)).toBe(true);
    expect(contains(parseIp('192.168.1.1') as number)).toBe(true);
    expect(contains(parseIp('192.168.1.2') as number)).toBe(false);
    expect(contains(parseIp('2001:db8:ffff::1') as bigint)).toBe(true);
    expect(contains(parseIp('2001:db7::1') as bigint)).toBe(false);
    expect(contains(parseIp('::a00:1') as bigint)).toBe(false); // ::10.0.0.1 is IPv6, not 10.0.0.1
  });
});
