import { afterAll, describe, expect, it } from 'vitest';
import { evaluatePolicy, parsePolicy } from '@/lib/policy';
import { forwarded, makeTestPki } from '@/tests/support/certs';
import { clientCertificate, leafOf, xfccCert } from './client-cert';
import { describeRequest, type ProxyFamily } from './describe';

const pki = makeTestPki();
afterAll(() => pki.cleanup());

describe('the forwarded client certificate', () => {
  it.each([
    ['auth-request', forwarded.nginx(pki.client)],
    ['forward-auth', forwarded.traefik(pki.client)],
    ['forward-auth', `${forwarded.traefik(pki.client)},${forwarded.traefik(pki.ca)}`],
    ['ext-authz', forwarded.envoy(pki.client)],
    ['ext-authz', `${forwarded.envoy(pki.other)},${forwarded.envoy(pki.client)}`],
  ] as const)('%s: reads the fingerprint, SPKI hash and names of the leaf', (family, header) => {
    const c = clientCertificate(family, header);
    expect(c.fingerprint).toBe(pki.client.fingerprint);
    expect(c.spkiHash).toBe(pki.client.spkiHash);
    expect(c.sanDns).toEqual(['bot.corp.example']);
    expect(c.sanEmail).toEqual(['bot@corp.example']);
    expect(c.sanUri).toEqual(['spiffe://corp/bot']);
    expect(c.valid).toBe(true);
  });

  it('is invalid outside its validity period, and when unreadable', () => {
    const header = forwarded.nginx(pki.client);
    expect(clientCertificate('auth-request', header, Date.now() + 3 * 86_400_000).valid).toBe(false);
    expect(clientCertificate('auth-request', header, Date.now() - 86_400_000).valid).toBe(false);
    const junk = clientCertificate('auth-request', '%ZZnot-a-cert');
    expect(junk).toMatchObject({ fingerprint: '', valid: false });
    expect(clientCertificate('ext-authz', 'By=x;Hash=abc').fingerprint).toBe('');
  });

  it('parses XFCC quoting and picks the last element', () => {
    expect(xfccCert('Cert="a%2Cb";By="x,y",Cert=c;URI=u')).toBe('c');
    expect(xfccCert('By="x,y";Cert="a%2Cb"')).toBe('a,b');
    expect(leafOf('forward-auth', 'AAA%2B,BBB')).toBe('AAA+');
  });

  it("each endpoint reads only its own proxy's header", () => {
    const all: Record<string, string> = {
      'x-forwarded-tls-client-cert': forwarded.traefik(pki.other),
      'x-client-cert': forwarded.nginx(pki.other),
      'x-forwarded-client-cert': forwarded.envoy(pki.other),
    };
    const base: Record<ProxyFamily, Record<string, string>> = {
      'forward-auth': { 'x-forwarded-method': 'GET', 'x-forwarded-host': 'a.example', 'x-forwarded-uri': '/' },
      'auth-request': { 'x-original-url': 'https://a.example/', 'x-original-method': 'GET' },
      'ext-authz': { host: 'a.example' },
    };
    const own: Record<ProxyFamily, string> = {
      'forward-auth': 'x-forwarded-tls-client-cert',
      'auth-request': 'x-client-cert',
      'ext-authz': 'x-forwarded-client-cert',
    };
    for (const family of Object.keys(base) as ProxyFamily[]) {
      // Only the other families' headers: no certificate.
      const others = Object.fromEntries(Object.entries(all).filter(([k]) => k !== own[family]));
      const h = { ...base[family], ...others };
      const d = describeRequest(family, (n) => h[n] ?? null, 'GET', family === 'ext-authz' ? '/' : null, null);
      expect(d.ok && d.request.clientCert, family).toBeFalsy();
      const h2 = { ...base[family], [own[family]]: all[own[family]]! };
      const d2 = describeRequest(family, (n) => h2[n] ?? null, 'GET', family === 'ext-authz' ? '/' : null, null);
      expect(d2.ok && d2.request.clientCert, family).toEqual({ family, header: all[own[family]] });
    }
  });

  it('decides a pinned policy as Pomerium would, with either fingerprint form', () => {
    for (const fp of [pki.client.fingerprint, pki.client.fingerprintLong]) {
      const p = parsePolicy({ allow: { and: [{ client_certificate: { fingerprint: fp } }] } });
      const at = (header: string) =>
        evaluatePolicy(p, { user: null, clientCertificate: () => clientCertificate('auth-request', header) }).allowed;
      expect(at(forwarded.nginx(pki.client))).toBe(true);
      expect(at(forwarded.nginx(pki.other))).toBe(false);
    }
  });
});
