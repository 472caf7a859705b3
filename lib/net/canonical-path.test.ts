import { describe, it, expect } from 'vitest';
import { canonicalPath, removeDotSegments, underPrefix } from './canonical-path';

const ok = (input: string, options = {}) => {
  const r = canonicalPath(input, options);
  if (!r.ok) throw new Error(`${input}: refused (${r.reason})`);
  return r.path;
};
const refused = (input: string) => {
  const r = canonicalPath(input);
  return r.ok ? `accepted as ${r.path}` : r.reason;
};

describe('canonicalPath', () => {
  // [input, canonical form]
  const accepted: [string, string][] = [
    ['/', '/'],
    ['', '/'],
    ['/a/b', '/a/b'],
    ['/a/b/', '/a/b/'],
    ['/a?x=1', '/a'],
    ['/a#frag', '/a'],
    ['/a?x=/../b', '/a'],
    // dot segments, plain and encoded
    ['/public/../admin', '/admin'],
    ['/public/%2e%2e/admin', '/admin'],
    ['/public/%2E%2E/admin', '/admin'],
    ['/public/.%2e/admin', '/admin'],
    ['/public/%2e./admin', '/admin'],
    ['/public/./admin', '/public/admin'],
    ['/public/%2e/admin', '/public/admin'],
    ['/../../x', '/x'],
    ['/a/b/..', '/a/'],
    ['/a/b/.', '/a/b/'],
    ['/a/..', '/'],
    ['/...', '/...'],
    ['/a/..b/c', '/a/..b/c'],
    // slashes merged before dot segments are removed (as nginx and Go's path.Clean do)
    ['//x', '/x'],
    ['/a//b///c', '/a/b/c'],
    ['/a//../b', '/b'],
    // percent-encoding: unreserved decoded, the rest upper-case
    ['/%61%62c', '/abc'],
    ['/%7E/%2D%5F', '/~/-_'],
    ['/a%20b', '/a%20b'],
    ['/a%3fb', '/a%3Fb'],
    ['/a%3Ab', '/a%3Ab'],
    ['/a%25b', '/a%25b'],
    ['/a b', '/a%20b'],
    ['/caf\u00c3\u00a9', '/caf%C3%A9'], // raw UTF-8 bytes as a header delivers them (Latin-1)
    ['/caf%c3%a9', '/caf%C3%A9'],
    ['/"quoted"', '/%22quoted%22'],
    ["/a:b@c!$&'()*+,=", "/a:b@c!$&'()*+,="],
    ['/%F0%9F%98%80', '/%F0%9F%98%80'],
  ];
  it.each(accepted)('%j → %j', (input, expected) => {
    expect(ok(input)).toBe(expected);
  });

  const refusedCases: [string, RegExp][] = [
    ['/pub/..%2Fx', /encoded/],
    ['/pub%2F..%2Fx', /encoded/],
    ['/pub%2f..%2fx', /encoded/],
    ['/a%5Cb', /encoded/],
    ['/a\\b', /\\/],
    ['/a%00b', /control/],
    ['/a\u0000b', /control/],
    ['/a\nb', /control/],
    ['/a%0d%0ab', /control/],
    ['/a%zzb', /percent/],
    ['/a%2', /percent/],
    ['/a%', /percent/],
    ['/x;y', /;/],
    ['*', /start/],
    ['http://evil/x', /start/],
    ['x/y', /start/],
    [`/${'a'.repeat(16 * 1024)}`, /too long/],
  ];
  it.each(refusedCases)('refuses %j', (input, reason) => {
    expect(refused(input)).toMatch(reason);
  });

  it('keeps `;` when path parameters are allowed', () => {
    expect(ok('/x;y', { allowSemicolon: true })).toBe('/x;y');
  });

  it('encodes typed text (route prefixes) as UTF-8', () => {
    expect(ok('/café', { text: true })).toBe('/caf%C3%A9');
    expect(ok('/😀', { text: true })).toBe('/%F0%9F%98%80');
  });

  it('is idempotent', () => {
    for (const [input] of accepted) expect(ok(ok(input))).toBe(ok(input));
  });
});

describe('removeDotSegments: RFC 3986 §5.2.4 and the §5.4 reference resolutions', () => {
  // §5.2.4's own examples.
  it('/a/b/c/./../../g → /a/g', () => expect(removeDotSegments('/a/b/c/./../../g')).toBe('/a/g'));
  it('/mid/content=5/../6 → /mid/6', () => expect(removeDotSegments('/mid/content=5/../6')).toBe('/mid/6'));

  // §5.4.1 and §5.4.2 with base http://a/b/c/d;p?q: merging a relative path gives
  // "/b/c/" + reference (§5.2.3); the result's path is what the RFC lists.
  const resolutions: [string, string][] = [
    ['g', '/b/c/g'],
    ['./g', '/b/c/g'],
    ['g/', '/b/c/g/'],
    ['.', '/b/c/'],
    ['./', '/b/c/'],
    ['..', '/b/'],
    ['../', '/b/'],
    ['../g', '/b/g'],
    ['../..', '/'],
    ['../../', '/'],
    ['../../g', '/g'],
    ['../../../g', '/g'],
    ['../../../../g', '/g'],
    ['g.', '/b/c/g.'],
    ['.g', '/b/c/.g'],
    ['g..', '/b/c/g..'],
    ['..g', '/b/c/..g'],
    ['./../g', '/b/g'],
    ['./g/.', '/b/c/g/'],
    ['g/./h', '/b/c/g/h'],
    ['g/../h', '/b/c/h'],
  ];
  it.each(resolutions)('%j → %j', (ref, expected) => {
    expect(removeDotSegments(`/b/c/${ref}`)).toBe(expected);
    expect(ok(`/b/c/${ref}`)).toBe(expected);
  });
  // Absolute-path references: "/./g" and "/../g" are "/g".
  it.each([['/./g'], ['/../g']])('%j → /g', (ref) => expect(ok(ref)).toBe('/g'));
});

describe('underPrefix: segment boundaries', () => {
  it.each([
    ['/public', '/public', true],
    ['/public/', '/public', true],
    ['/public/x', '/public', true],
    ['/publicity', '/public', false],
    ['/pub', '/public', false],
    ['/anything', '/', true],
    ['/caf%C3%A9/x', '/caf%C3%A9', true],
  ] as const)('%s under %s: %s', (path, prefix, expected) => {
    expect(underPrefix(path, prefix)).toBe(expected);
  });
});
