// Client certificates end to end: Debian's nginx terminating TLS with
// `ssl_verify_client optional_no_ca`, forwarding $ssl_client_escaped_cert to the
// production build's auth-request endpoint, with certificates made for this test.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createNamespace } from '@/lib/dal/namespaces';
import { makeAdmin } from '../support/actors';
import { startConsole, type RunningServer } from '../support/server';
import { newAccount, newPolicy, newRoute } from '../support/builders';
import { forwarded, makeTestPki } from '../support/certs';
import {
  proxyRequest,
  proxyUnavailable,
  startNginx,
  startUpstream,
  type RunningProxy,
  type Upstream,
} from '../support/proxies';
import { uid } from '../support/helpers';

const unavailable = proxyUnavailable('nginx');
if (unavailable) console.warn(`[client-cert.test] skipping: ${unavailable}`);
const pki = makeTestPki();
let server: RunningServer | undefined;
let proxy: RunningProxy;
let upstream: Upstream;
const host = `mtls-${uid()}.example.test`;
const both = `both-${uid()}.example.test`;
let token = '';

beforeAll(async () => {
  const admin = await makeAdmin();
  if (unavailable) return;
  const ns = await createNamespace(admin, 'global', `mtls-${uid()}`);
  const created = await newAccount(admin, ns.id);
  token = created.token;
  const policy = (name: string, ppl: string) => newPolicy(admin, ns.id, ppl, { name });
  // A machine client identified by its certificate alone (fingerprint as openssl prints it) …
  const pinned = await policy(
    'pinned',
    `allow:\n  or:\n    - client_certificate:\n        fingerprint: "${pki.client.fingerprintLong}"\n`,
  );
  // … and one bound to both its token and its certificate (SPKI hash).
  const bound = await policy(
    'bound',
    `allow:\n  and:\n    - user: ${created.account.userId}\n    - client_certificate:\n        spki_hash: "${pki.client.spkiHash}"\n`,
  );
  upstream = await startUpstream();
  await newRoute(admin, ns.id, `https://${host}`, [pinned.id], { name: 'pinned', to: upstream.url });
  await newRoute(admin, ns.id, `https://${both}`, [bound.id], { name: 'bound', to: upstream.url });
  server = await startConsole();
  proxy = await startNginx({
    consoleUrl: server.url,
    upstreamUrl: upstream.url,
    serverNames: [host, both],
    tls: { certFile: pki.server.certFile, keyFile: pki.server.keyFile },
  });
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await upstream?.stop();
  await server?.stop();
  pki.cleanup();
});

describe.skipIf(unavailable !== null)('nginx with ssl_verify_client optional_no_ca', () => {
  const get = (h: string, client?: { pem: string; key: string }, headers: Record<string, string> = {}) =>
    proxyRequest(proxy.url, {
      host: h,
      path: '/x',
      headers,
      tls: { ca: pki.ca.pem, ...(client ? { cert: client.pem, key: client.key } : {}) },
    });

  it('lets the pinned certificate through, and nothing else', async () => {
    const hits = upstream.hits();
    expect((await get(host, pki.client)).status).toBe(200);
    expect(upstream.hits()).toBe(hits + 1);
    expect((await get(host, pki.other)).status).toBe(401);
    expect((await get(host, pki.selfSigned)).status).toBe(401);
    expect((await get(host)).status).toBe(401);
    expect(upstream.hits()).toBe(hits + 1);
  });

  it('ignores a certificate header the client writes itself', async () => {
    expect((await get(host, undefined, { 'x-client-cert': forwarded.nginx(pki.client) })).status).toBe(401);
    expect((await get(host, pki.other, { 'x-client-cert': forwarded.nginx(pki.client) })).status).toBe(401);
  });

  it('binds a service account to its certificate: both are needed', async () => {
    const auth = { authorization: `Pomerium ${token}` };
    expect((await get(both, pki.client, auth)).status).toBe(200);
    expect((await get(both, pki.other, auth)).status).toBe(403);
    expect((await get(both, undefined, auth)).status).toBe(403);
    expect((await get(both, pki.client)).status).toBe(401);
  });
});
