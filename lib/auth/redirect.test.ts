import { describe, expect, it } from 'vitest';
import { safeNextPath } from './redirect';

const origin = 'https://console.example.com';

describe('safeNextPath', () => {
  const hostile = [
    '/\\evil.example',
    '/%09/evil.example',
    '/\t/evil.example',
    '//evil',
    '//evil.example/path',
    '///evil.example',
    'https://evil',
    'http://evil.example/',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '\\\\evil.example',
    '/\\/evil.example',
    ' //evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    'https:evil.example',
    '//console.example.com@evil.example',
    'https://console.example.com.evil.example/',
    'evil.example',
    '/..//evil.example',
    '/./\\evil.example',
    '',
    'x'.repeat(3000),
    '/%2F%2Fevil.example',
    '/%5Cevil.example',
    '/%E0%A4%A',
  ];
  it.each(hostile)('refuses %j', (next) => {
    const out = safeNextPath(next, origin);
    expect(out).toBe('/');
    expect(new URL(out, origin).origin).toBe(origin);
  });

  it('refuses values that are not strings', () => {
    for (const v of [undefined, null, 42, ['/ns'], { href: '/ns' }]) expect(safeNextPath(v, origin)).toBe('/');
  });

  it.each([
    ['/ns/global', '/ns/global'],
    ['/ns/global/service-accounts?page=2#top', '/ns/global/service-accounts?page=2#top'],
    ['/history?from=2026-01-01', '/history?from=2026-01-01'],
  ])('keeps the same-origin path %j', (next, expected) => {
    expect(safeNextPath(next, origin)).toBe(expected);
    expect(new URL(safeNextPath(next, origin), origin).origin).toBe(origin);
  });
});
