// Client certificates end to end: Debian's nginx terminating TLS with
// `ssl_verify_client optional_no_ca`, forwarding $ssl_client_escaped_cert to the
// production build's auth-request endpoint, with certificates made for this test.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServiceAccount } from '@/lib/dal/service-accounts';
import { createNamespace } from '@/lib/dal/namespaces';
import { createPolicy } from '@/lib/dal/policies';
import { createRoute } from '@/lib/dal/routes';
import { createServiceAccountSchema } from '@/lib/schemas/service-account';
import { policyFormSchema } from '@/lib/schemas/policy';
import { routeFormSchema } from '@/lib/schemas/route';
import { makeAdmin } from '../support/actors';
import { startServer, type RunningServer } from '../support/server';
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
const dataDir = mkdtempSync(path.join(tmpdir(), 'postern-http-mtls-'));
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
  const created = await createServiceAccount(
    admin,
    createServiceAccountSchema.parse({
      namespaceId: ns.id,
      kind: 'service',
      userId: `bot-${uid()}`,
      expiration: 'never',
    }),
  );
  token = created.token;
  const policy = (name: string, ppl: string) =>
    createPolicy(
      admin,
      ns.id,
      policyFormSchema.parse({ name, description: '', enforced: false, explanation: '', remediation: '', ppl }),
    );
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
  await createRoute(
    admin,
    ns.id,
    routeFormSchema.parse({ name: 'pinned', from: `https://${host}`, to: upstream.url, policyIds: [pinned.id] }),
  );
  await createRoute(
    admin,
    ns.id,
    routeFormSchema.parse({ name: 'bound', from: `https://${both}`, to: upstream.url, policyIds: [bound.id] }),
  );
  server = await startServer({
    DATABASE_URL: process.env.DATABASE_URL,
    SECRET_KEY: process.env.SECRET_KEY,
    DATA_DIR: dataDir,
  });
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
  rmSync(dataDir, { recursive: true, force: true });
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
