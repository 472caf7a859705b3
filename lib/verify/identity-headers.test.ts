import { describe, it, expect } from 'vitest';
import { headerSafe, headerSafeList, identityHeaders } from './identity-headers';

// A value is header-safe when `new Headers` accepts it and nothing but printable ASCII is in it.
const valid = (v: string) =>
  /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$|^$/.test(v) &&
  (() => {
    new Headers({ x: v });
    return true;
  })();

describe('identity headers', () => {
  const nasty = [
    'plain@example.com',
    'Jürgen@example.com',
    '李雷@example.com',
    'evil\r\nX-Injected: 1',
    'tab\there',
    '100% sure',
    ' leading and trailing ',
    'emoji 😀',
    'lone \ud800 surrogate',
    'a,b',
    '"quoted"',
    '',
  ];
  it.each(nasty)('%j round-trips and is always a valid header value', (value) => {
    const safe = headerSafe(value);
    expect(valid(safe)).toBe(true);
    expect(decodeURIComponent(safe)).toBe(value.toWellFormed());
  });

  it('leaves plain ASCII values unchanged', () => {
    expect(headerSafe('ci-runner@ns.example')).toBe('ci-runner@ns.example');
    expect(headerSafe('Platform Team')).toBe('Platform Team');
  });

  it('groups travel as a JSON array: a comma inside a name stays one group', () => {
    const groups = ['eng,ops', 'sre', 'Ünïcode', 'new\nline'];
    const header = headerSafeList(groups);
    expect(valid(header)).toBe(true);
    expect(JSON.parse(decodeURIComponent(header))).toEqual(groups);
  });

  it('a whole identity with hostile content builds a Response', () => {
    const h = identityHeaders({ userId: 'u\r\n1', accountId: 'id', email: 'é@x\n', groups: ['a,b', '\u2028'] });
    expect(() => new Response('', { headers: h })).not.toThrow();
    expect(decodeURIComponent(h['x-pomerium-claim-email']!)).toBe('é@x\n');
  });
});
