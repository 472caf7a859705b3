// End to end with real proxies: Debian's nginx (auth_request) and Caddy (forward_auth) in
// front of an upstream that echoes what it received, asking the production build's
// verify endpoints about every request (nginx: auth-request, Caddy: forward-auth). The test process is a second console instance on
// the same PostgreSQL database and creates everything through the DAL.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { revokeServiceAccount } from '@/lib/dal/service-accounts';
import { createNamespace } from '@/lib/dal/namespaces';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin } from '../support/actors';
import { startConsole, type RunningServer } from '../support/server';
import { newAccount, newPolicy, newRoute } from '../support/builders';
import {
  proxyRequest,
  proxyUnavailable,
  startCaddy,
  startNginx,
  startUpstream,
  type ProxyName,
  type ProxyOptions,
  type RunningProxy,
  type Upstream,
} from '../support/proxies';
import { uid } from '../support/helpers';

const proxies: { name: ProxyName; start: (o: ProxyOptions) => Promise<RunningProxy>; unavailable: string | null }[] = [
  { name: 'nginx', start: startNginx, unavailable: proxyUnavailable('nginx') },
  { name: 'caddy', start: startCaddy, unavailable: proxyUnavailable('caddy') },
];
for (const p of proxies) if (p.unavailable) console.warn(`[proxies.test] skipping ${p.name}: ${p.unavailable}`);

let admin: Actor;
let server: RunningServer | undefined;

beforeAll(async () => {
  admin = await makeAdmin(); // also applies the migrations from this process
  if (proxies.every((p) => p.unavailable)) return;
  server = await startConsole();
}, 90_000);

afterAll(async () => {
  await server?.stop();
});

async function until(fn: () => Promise<boolean>, ms: number): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await fn()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

describe.each(proxies)('$name in front of an upstream', ({ name, start, unavailable }) => {
  describe.skipIf(unavailable !== null)(`through ${name}`, () => {
    // The client sends the public host name without a port, as it would to a proxy on
    // 443/80; the proxy listens on a high port of 127.0.0.1 and forwards that Host (nginx in
    // X-Original-URL, Caddy as Host), so the route's From is the bare https host. Postern
    // matches routes by host and path only: the http scheme the proxies see here is irrelevant.
    const host = `api-${uid()}.example.test`;
    const adminHost = `admin-${uid()}.example.test`;
    let proxy: RunningProxy;
    let upstream: Upstream;
    let owner: { token: string; userId: string; id: string };
    let other: { token: string };
    let doomed: { token: string; userId: string; id: string };

    const get = (headers: Record<string, string> = {}, method = 'GET', path = '/things/1?x=1') =>
      proxyRequest(proxy.url, { host, path, method, headers });
    const bearer = (token: string) => ({ authorization: `Bearer Pomerium-${token}` });

    beforeAll(async () => {
      const ns = await createNamespace(admin, 'global', `px-${name}-${uid()}`);
      const account = async () => {
        const r = await newAccount(admin, ns.id, { userId: `px-${name}-${uid()}` });
        return { token: r.token, userId: r.account.userId, id: r.account.id };
      };
      owner = await account();
      other = await account();
      doomed = await account();
      // GET/HEAD only, and only for the owner (and the account the revocation test revokes,
      // so that it is let through before): `other` is in the same namespace, so its 403
      // comes from the policy, not from the namespace scope.
      const ppl = [
        'allow:',
        '  and:',
        '    - or:',
        '        - http_method:',
        '            in: [GET, HEAD]',
        '    - or:',
        '        - user:',
        `            is: ${owner.userId}`,
        '        - user:',
        `            is: ${doomed.userId}`,
        '',
      ].join('\n');
      const policy = await newPolicy(admin, ns.id, ppl, {
        name: `get-only-${uid()}`,
        explanation: 'Read-only for the owner.',
      });
      upstream = await startUpstream();
      const addRoute = async (from: string, ppl: string | null) => {
        const policyIds = [ppl === null ? policy.id : (await newPolicy(admin, ns.id, ppl)).id];
        await newRoute(admin, ns.id, from, policyIds, { to: upstream.url });
      };
      await addRoute(`https://${host}`, null);
      await addRoute(`https://${host}/pub`, 'allow:\n  or:\n    - accept: true\n');
      await addRoute(`https://${host}/ip/allow`, 'allow:\n  or:\n    - source_ip: 10.1.2.0/24\n');
      await addRoute(`https://${host}/ip/local`, 'allow:\n  or:\n    - source_ip: 127.0.0.0/8\n');
      await addRoute(
        `https://${host}/ip/deny`,
        'allow:\n  or:\n    - accept: true\ndeny:\n  or:\n    - source_ip: 127.0.0.0/8\n',
      );
      await addRoute(`https://${adminHost}`, 'allow:\n  or:\n    - reject: true\n');
      proxy = await start({ consoleUrl: server!.url, upstreamUrl: upstream.url, serverNames: [host, adminHost] });

      // The server sees changes made here within about a second (cache_epoch poll): wait
      // for the last route directly at the endpoint, so the upstream's hit count stays clean.
      // (a 403 `no_route` would come before the route is seen: wait for the policy's own refusal)
      const seen = await until(async () => {
        const res = await fetch(`${server!.url}/api/v1/verify/auth-request`, {
          headers: { ...bearer(owner.token), 'x-original-url': `https://${adminHost}/`, 'x-original-method': 'GET' },
        });
        return res.status === 403 && ((await res.json()) as { error: string }).error === 'forbidden';
      }, 10_000);
      expect(seen, 'the console never saw the new route').not.toBeNull();
    }, 60_000);

    afterAll(async () => {
      await proxy?.stop();
      await upstream?.stop();
    });

    /** Runs a refused request and proves the upstream never saw it. */
    async function refused(p: Promise<Awaited<ReturnType<typeof get>>>) {
      const before = upstream.hits();
      const res = await p;
      expect(upstream.hits(), 'a refused request reached the upstream').toBe(before);
      return res;
    }

    it('no token: 401 with WWW-Authenticate, the upstream is never called', async () => {
      const res = await refused(get());
      expect(res.status, proxy.logs()).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Pomerium');
      // Caddy relays Postern's answer; nginx replaces the body with its own error page.
      if (name === 'caddy') expect(JSON.parse(res.body)).toEqual({ error: 'missing_token' });
    });

    it('a valid token: 200 from the upstream, which gets the identity and a verifiable assertion', async () => {
      const before = upstream.hits();
      const res = await get(bearer(owner.token));
      expect(res.status, proxy.logs()).toBe(200);
      expect(upstream.hits()).toBe(before + 1);
      const seen = JSON.parse(res.body) as { method: string; url: string; headers: Record<string, string> };
      expect(seen.method).toBe('GET');
      expect(seen.url).toBe('/things/1?x=1');
      expect(seen.headers.host).toBe(host);
      expect(seen.headers['x-pomerium-claim-sub']).toBe(owner.userId);
      const assertion = seen.headers['x-pomerium-jwt-assertion'];
      expect(assertion).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

      const jwks = (await (await fetch(`${server!.url}/.well-known/pomerium/jwks.json`)).json()) as JSONWebKeySet;
      const { payload, protectedHeader } = await jwtVerify(assertion!, createLocalJWKSet(jwks), {
        audience: host,
        issuer: server!.url,
      });
      expect(protectedHeader.alg).toBe('ES256');
      expect(payload.sub).toBe(owner.userId);
      expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(300);
      // Signed for this route's host only.
      await expect(
        jwtVerify(assertion!, createLocalJWKSet(jwks), { audience: 'other.example.test' }),
      ).rejects.toThrow();
    });

    it('identity headers sent by the client are replaced by what Postern answered', async () => {
      const res = await get({
        ...bearer(owner.token),
        'x-pomerium-claim-sub': 'root',
        'x-pomerium-jwt-assertion': 'forged.jwt.value',
      });
      expect(res.status).toBe(200);
      const seen = JSON.parse(res.body) as { headers: Record<string, string> };
      expect(seen.headers['x-pomerium-claim-sub']).toBe(owner.userId);
      expect(seen.headers['x-pomerium-jwt-assertion']).not.toBe('forged.jwt.value');
    });

    it('on a public route, identity headers the client wrote never reach the upstream', async () => {
      const forged = {
        'x-pomerium-claim-sub': 'root',
        'x-pomerium-claim-email': 'ceo@corp.example',
        'x-pomerium-jwt-assertion': 'forged.jwt.value',
      };
      const res = await get(forged, 'GET', '/pub/x');
      expect(res.status).toBe(200);
      const seen = JSON.parse(res.body) as { headers: Record<string, string | undefined> };
      // The copied headers (README configuration) arrive empty or not at all: never forged.
      for (const h of ['x-pomerium-claim-sub', 'x-pomerium-jwt-assertion']) expect(seen.headers[h] ?? '', h).toBe('');
    });

    it('HEAD is allowed by the policy too', async () => {
      const before = upstream.hits();
      const res = await get(bearer(owner.token), 'HEAD');
      expect(res.status, proxy.logs()).toBe(200);
      expect(upstream.hits()).toBe(before + 1);
      expect(upstream.requests.at(-1)!.method).toBe('HEAD');
    });

    it('POST: 403, the policy refuses and the upstream is never called', async () => {
      const res = await refused(
        proxyRequest(proxy.url, {
          host,
          path: '/things',
          method: 'POST',
          headers: { ...bearer(owner.token), 'content-type': 'application/json' },
          body: '{"a":1}',
        }),
      );
      expect(res.status, proxy.logs()).toBe(403);
      if (name === 'caddy')
        expect(JSON.parse(res.body)).toMatchObject({ error: 'forbidden', explanation: 'Read-only for the owner.' });
    });

    it("another account's token: 403, the upstream is never called", async () => {
      const res = await refused(get(bearer(other.token)));
      expect(res.status, proxy.logs()).toBe(403);
      if (name === 'caddy') expect(JSON.parse(res.body)).toMatchObject({ error: 'forbidden' });
    });

    it('a garbage token: 401, the upstream is never called', async () => {
      const res = await refused(get(bearer(`${owner.token.slice(0, -4)}AAAA`)));
      expect(res.status).toBe(401);
    });

    it('every header form works through the proxy', async () => {
      const forms: Record<string, string>[] = [
        { 'x-pomerium-authorization': owner.token },
        { authorization: `Pomerium ${owner.token}` },
        { authorization: `Bearer Pomerium-${owner.token}` },
      ];
      for (const headers of forms) {
        const before = upstream.hits();
        const res = await get(headers);
        expect(res.status, `${Object.keys(headers)[0]}: ${proxy.logs()}`).toBe(200);
        expect(upstream.hits()).toBe(before + 1);
        expect((JSON.parse(res.body) as { headers: Record<string, string> }).headers['x-pomerium-claim-sub']).toBe(
          owner.userId,
        );
      }
    });

    // ── Forward-auth integrity (issue 8): the client never chooses the request judged ──
    const spoofs = (target: string, path: string): Record<string, string>[] => {
      const all = {
        'x-original-url': `https://${target}${path}`,
        'x-original-method': 'GET',
        'x-forwarded-host': target,
        'x-forwarded-uri': path,
        'x-forwarded-method': 'GET',
        'x-forwarded-for': '10.1.2.3',
        forwarded: `for=10.1.2.3;host=${target}`,
      };
      return [...Object.entries(all).map(([k, v]) => ({ [k]: v })), all];
    };

    it('client-sent X-Original-*, X-Forwarded-* and Forwarded naming a public route do not open another host', async () => {
      for (const headers of spoofs(host, '/pub/x')) {
        const withToken = await refused(
          proxyRequest(proxy.url, {
            host: adminHost,
            path: '/secret',
            headers: { ...headers, ...bearer(owner.token) },
          }),
        );
        expect(withToken.status, `${JSON.stringify(headers)}\n${proxy.logs()}`).toBe(403);
        const anonymous = await refused(proxyRequest(proxy.url, { host: adminHost, path: '/secret', headers }));
        expect(anonymous.status, JSON.stringify(headers)).toBe(401);
      }
    });

    it('client-sent descriptions change nothing for an allowed request either', async () => {
      for (const headers of spoofs(adminHost, '/')) {
        const before = upstream.hits();
        const res = await proxyRequest(proxy.url, { host, path: '/pub/doc', headers });
        expect(res.status, JSON.stringify(headers)).toBe(200);
        expect(upstream.hits()).toBe(before + 1);
        expect(upstream.requests.at(-1)!.headers.host).toBe(host);
      }
    });

    it('a client-sent method description does not turn a POST into a GET', async () => {
      const headers = {
        ...bearer(owner.token),
        'x-original-method': 'GET',
        'x-forwarded-method': 'GET',
        'content-type': 'application/json',
      };
      const res = await refused(
        proxyRequest(proxy.url, { host, path: '/things', method: 'POST', headers, body: '{}' }),
      );
      expect(res.status).toBe(403);
    });

    it.each(['/pub/../x', '/pub/%2e%2e/x', '/pub/%2E%2E/x', '/pub/.%2e/x', '//x', '/pub/./../x'])(
      '%s is judged as /x, outside the public /pub',
      async (p) => {
        const res = await refused(proxyRequest(proxy.url, { host, path: p }));
        expect(res.status, proxy.logs()).toBe(401);
      },
    );

    it.each(['//pub/x', '/x/../pub/x', '/p%75b/x'])('%s is judged as inside /pub', async (p) => {
      const before = upstream.hits();
      const res = await proxyRequest(proxy.url, { host, path: p });
      expect(res.status, proxy.logs()).toBe(200);
      expect(upstream.hits()).toBe(before + 1);
    });

    it.each(['/pub/..%2Fx', '/pub%2F..%2Fx', '/pub/..%5Cx', '/pub/x;y', `/pub/${'a'.repeat(16 * 1024)}`])(
      '%s is refused before the upstream',
      async (p) => {
        const res = await refused(proxyRequest(proxy.url, { host, path: p }));
        // Caddy relays Postern's 400 (or Node's 431 for a 16 KB header); nginx turns any
        // answer but 2xx/401/403 into 500, or refuses an over-long line itself (414).
        expect(res.status, `${p.slice(0, 40)}: ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        if (name === 'caddy' && p.length < 1000) expect(JSON.parse(res.body)).toMatchObject({ error: 'bad_path' });
      },
    );

    it('source_ip sees the address the proxy saw, whatever X-Forwarded-For the client sends', async () => {
      const spoof = { 'x-forwarded-for': '10.1.2.3', 'x-real-ip': '10.1.2.3', forwarded: 'for=10.1.2.3' };
      // An allow for 10.1.2.0/24 is not met by a client on 127.0.0.1 that claims 10.1.2.3 …
      expect((await refused(proxyRequest(proxy.url, { host, path: '/ip/allow', headers: spoof }))).status).toBe(401);
      expect(
        (
          await refused(
            proxyRequest(proxy.url, { host, path: '/ip/allow', headers: { ...spoof, ...bearer(owner.token) } }),
          )
        ).status,
      ).toBe(403);
      // … an allow for 127.0.0.0/8 is, with or without the claim …
      for (const headers of [{}, spoof, { 'x-forwarded-for': 'garbage' }] as Record<string, string>[]) {
        const before = upstream.hits();
        expect(
          (await proxyRequest(proxy.url, { host, path: '/ip/local', headers })).status,
          JSON.stringify(headers),
        ).toBe(200);
        expect(upstream.hits()).toBe(before + 1);
      }
      // … and a deny for 127.0.0.0/8 is not escaped by claiming another address.
      for (const headers of [spoof, { 'x-forwarded-for': '10.1.2.3, 192.0.2.1' }, { 'x-forwarded-for': 'not-an-ip' }]) {
        expect(
          (
            await refused(
              proxyRequest(proxy.url, { host, path: '/ip/deny', headers: { ...headers, ...bearer(owner.token) } }),
            )
          ).status,
          JSON.stringify(headers),
        ).toBe(403);
      }
    });

    it('a host the proxy does not serve never reaches Postern or the upstream', async () => {
      const res = await refused(
        proxyRequest(proxy.url, { host: `other-${uid()}.example.test`, path: '/', headers: bearer(owner.token) }),
      );
      expect(res.status).toBe(404);
    });

    it('an account revoked by another instance: 401 through the proxy within 5 s', async () => {
      expect((await get(bearer(doomed.token))).status).toBe(200);
      await revokeServiceAccount(admin, doomed.id);
      const took = await until(async () => (await get(bearer(doomed.token))).status === 401, 5000);
      expect(took, `revocation not seen through ${name} within 5 s`).not.toBeNull();
      const res = await refused(get(bearer(doomed.token)));
      expect(res.status).toBe(401);
      if (name === 'caddy') expect(JSON.parse(res.body)).toEqual({ error: 'revoked' });
    });
  });
});
