import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { canonicalHost, describeRequest, type ProxyFamily } from './describe';
import { RouteTable } from './route-table';
import { canonicalPath } from '@/lib/net/canonical-path';

const headers = (h: Record<string, string>) => (name: string) => h[name] ?? null;
const describeWith = (
  family: ProxyFamily,
  h: Record<string, string>,
  opts: { method?: string; suffix?: string | null } = {},
) => describeRequest(family, headers(h), opts.method ?? 'GET', opts.suffix ?? null, '203.0.113.7');

// What each proxy family sends, and what an attacker adds on top.
const forwardAuth = {
  'x-forwarded-method': 'GET',
  'x-forwarded-host': 'app.example.com',
  'x-forwarded-uri': '/x?y=1',
  'x-forwarded-proto': 'https',
};
const authRequest = { 'x-original-url': 'https://app.example.com/x?y=1', 'x-original-method': 'GET' };
const attacker = {
  'x-original-url': 'https://admin.example.com/',
  'x-original-method': 'DELETE',
  'x-forwarded-host': 'admin.example.com',
  'x-forwarded-uri': '/admin',
  'x-forwarded-method': 'DELETE',
  forwarded: 'host=admin.example.com',
  host: 'admin.example.com',
};

describe('each proxy family reads only its own headers', () => {
  const expected = { host: 'app.example.com', path: '/x', method: 'GET', sourceIp: '203.0.113.7' };

  it('forward-auth ignores nginx headers, Forwarded and Host', () => {
    const { 'x-original-url': u, 'x-original-method': m, forwarded: f, host: h } = attacker;
    expect(
      describeWith('forward-auth', {
        ...forwardAuth,
        'x-original-url': u,
        'x-original-method': m,
        forwarded: f,
        host: h,
      }),
    ).toEqual({ ok: true, request: expected });
  });

  it('auth-request ignores X-Forwarded-*, Forwarded and Host', () => {
    const { 'x-original-url': _u, 'x-original-method': _m, ...rest } = attacker;
    expect(describeWith('auth-request', { ...rest, ...authRequest })).toEqual({ ok: true, request: expected });
  });

  it('ext-authz reads the appended path, Host and the method only', () => {
    const { host: _h, ...rest } = attacker;
    expect(describeWith('ext-authz', { ...rest, host: 'app.example.com' }, { suffix: '/x?y=1' })).toEqual({
      ok: true,
      request: expected,
    });
  });

  it.each([
    ['forward-auth', {}],
    ['forward-auth', { 'x-forwarded-host': 'a.example.com' }],
    ['forward-auth', { 'x-forwarded-uri': '/' }],
    ['forward-auth', authRequest],
    ['auth-request', forwardAuth],
    ['auth-request', { 'x-original-url': 'https://a/' }],
    ['ext-authz', forwardAuth],
    ['ext-authz', authRequest],
  ] as const)('%s without its description → no_request_description', (family, h) => {
    expect(describeWith(family, h)).toMatchObject({ ok: false, error: 'no_request_description' });
  });

  it.each([
    ['forward-auth', { ...forwardAuth, 'x-forwarded-host': 'a.example.com, b.example.com' }, 'bad_host'],
    ['forward-auth', { ...forwardAuth, 'x-forwarded-host': '' }, 'bad_host'],
    ['forward-auth', { ...forwardAuth, 'x-forwarded-host': 'a b' }, 'bad_host'],
    ['forward-auth', { ...forwardAuth, 'x-forwarded-method': 'GE T' }, 'bad_method'],
    ['forward-auth', { ...forwardAuth, 'x-forwarded-method': '' }, 'bad_method'],
    ['forward-auth', { ...forwardAuth, 'x-forwarded-uri': '/a%2Fb' }, 'bad_path'],
    ['forward-auth', { ...forwardAuth, 'x-forwarded-uri': 'http://evil/' }, 'bad_path'],
    ['auth-request', { ...authRequest, 'x-original-url': 'https://user@app.example.com/' }, 'bad_host'],
    ['auth-request', { ...authRequest, 'x-original-url': '/relative' }, 'bad_path'],
    ['auth-request', { ...authRequest, 'x-original-url': 'ftp://app.example.com/' }, 'bad_path'],
    ['auth-request', { ...authRequest, 'x-original-url': 'https://app.example.com/..%2f' }, 'bad_path'],
  ] as const)('%s refuses a malformed description: %j', (family, h, error) => {
    expect(describeWith(family, h)).toMatchObject({ ok: false, error });
  });

  it('the path is canonical: Postern judges what the upstream serves', () => {
    for (const uri of ['/pub/../x', '/pub/%2e%2e/x', '//x', '/pub/./../x']) {
      expect(describeWith('forward-auth', { ...forwardAuth, 'x-forwarded-uri': uri })).toMatchObject({
        ok: true,
        request: { path: '/x' },
      });
    }
    expect(
      describeWith('auth-request', { ...authRequest, 'x-original-url': 'https://app.example.com/pub/%2E%2E/x' }),
    ).toMatchObject({ ok: true, request: { path: '/x' } });
  });

  it.each([
    ['App.Example.COM', 'app.example.com'],
    ['app.example.com.', 'app.example.com'],
    ['app.example.com:8443', 'app.example.com:8443'],
    ['app.example.com.:443', 'app.example.com:443'],
    ['[::1]:80', '[::1]:80'],
    ['a,b', null],
    ['a/b', null],
    ['', null],
    ['a..b', null],
  ] as const)('host %j → %j', (raw, expected) => expect(canonicalHost(raw)).toBe(expected));
});

describe('property: the route Postern picks is the route the canonical path belongs to', () => {
  const prefixes = ['/', '/a', '/a/b', '/a/b/c', '/pub', '/caf%C3%A9', '/x%20y', '/publicity'];
  const table = new RouteTable({
    namespaces: [{ id: 'global', parentId: null }],
    routes: prefixes.map((p, i) => ({
      id: `r${i}`,
      namespaceId: 'global',
      host: 'h.example',
      pathPrefix: p,
      policyIds: [],
    })),
    policies: [],
  });
  // An independent oracle: decode whole segments, drop empty ones, resolve dot segments on
  // the decoded list, then take the route whose decoded segments are the longest prefix.
  const segs = (p: string) =>
    p
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
  function oracle(raw: string): string {
    const out: string[] = [];
    for (const s of segs(raw.split('?')[0]!)) {
      if (s === '.') continue;
      if (s === '..') out.pop();
      else out.push(s);
    }
    let best = -1;
    let bestLen = -1;
    prefixes.forEach((p, i) => {
      const ps = segs(p);
      if (ps.length > bestLen && ps.every((x, k) => out[k] === x)) {
        best = i;
        bestLen = ps.length;
      }
    });
    return `r${best}`;
  }
  const segment = fc.constantFrom(
    'a',
    'b',
    'c',
    'pub',
    'publicity',
    '..',
    '.',
    '%2e',
    '%2E%2e',
    '.%2E',
    '',
    '%61',
    '%62',
    'caf%C3%A9',
    'caf%c3%a9',
    'x%20y',
    'x y',
    'p%75b',
    'zz',
  );

  it('for random paths (dot segments, encodings, empty segments)', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), fc.boolean(), (parts, query) => {
        const raw = `/${parts.join('/')}${query ? '?q=/../a' : ''}`;
        const d = describeRequest(
          'forward-auth',
          headers({ 'x-forwarded-method': 'GET', 'x-forwarded-host': 'h.example', 'x-forwarded-uri': raw }),
          'GET',
          null,
          null,
        );
        if (!d.ok) throw new Error(`${raw} refused: ${d.detail}`);
        expect(table.match(d.request.host, d.request.path)?.id, raw).toBe(oracle(raw));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('describeRequest remembers canonical forms', () => {
  // The memo is keyed by the raw triple: triples that run together when concatenated
  // ("GET" + "a.tes" + "t/x" and "GET" + "a.test" + "/x") must not share an answer.
  it('answers every raw triple as canonicalising it afresh would, in any order', () => {
    const piece = fc.stringMatching(/^[aGET.:/t1]{0,5}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(piece, piece, piece), { minLength: 1, maxLength: 30 }), (triples) => {
        for (const [host, uri, method] of triples) {
          const got = describeWith('forward-auth', {
            'x-forwarded-host': host,
            'x-forwarded-uri': uri,
            'x-forwarded-method': method,
          });
          const h = canonicalHost(host);
          const p = canonicalPath(uri || '/', { allowSemicolon: false });
          const expected = !h
            ? 'bad_host'
            : !/^[A-Za-z]{1,20}$/.test(method)
              ? 'bad_method'
              : !p.ok
                ? 'bad_path'
                : `${h} ${method.toUpperCase()} ${p.path}`;
          expect(got.ok ? `${got.request.host} ${got.request.method} ${got.request.path}` : got.error).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
    // Two triples that concatenate alike ("GE" + "Ta.test" and "GET" + "a.test").
    const seen = (method: string, host: string) => {
      const d = describeWith('forward-auth', {
        'x-forwarded-host': host,
        'x-forwarded-uri': '/x',
        'x-forwarded-method': method,
      });
      return d.ok ? `${d.request.method} ${d.request.host}` : d.error;
    };
    expect(seen('GET', 'a.test')).toBe('GET a.test');
    expect(seen('GE', 'Ta.test')).toBe('GE ta.test');
  });
});
