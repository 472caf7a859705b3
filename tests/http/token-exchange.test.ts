// Token exchange over real HTTP, served by the production build: a CI job's platform token
// (from a local GitHub-Actions-shaped issuer) becomes a service-account token that the
// verify endpoint accepts; a refusal is explained in the server's log, without the token.
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';

vi.hoisted(() => {
  process.env.FEDERATION_ALLOW_HTTP_LOCALHOST = '1';
});

import type { Actor } from '@/lib/dal/actor';
import { addTrustedIssuer } from '@/lib/dal/trusted-issuers';
import { addTrustRule } from '@/lib/dal/trust-rules';
import { addTrustedIssuerSchema } from '@/lib/schemas/trusted-issuer';
import { addTrustRuleSchema } from '@/lib/schemas/trust-rule';
import { makeAdmin } from '../support/actors';
import { newAccount } from '../support/builders';
import { DEFAULT_AUDIENCE, startLocalIssuer, type LocalIssuer } from '../support/oidc-issuer';
import { within } from '../support/poll';
import { startConsole, type RunningServer } from '../support/server';

let admin: Actor;
let server: RunningServer;
let gh: LocalIssuer;
let accountId: string;
let userId: string;

beforeAll(async () => {
  admin = await makeAdmin(); // also applies the migrations from this process
  gh = await startLocalIssuer();
  const issuer = await addTrustedIssuer(
    admin,
    addTrustedIssuerSchema.parse({
      namespaceId: 'global',
      kind: 'github',
      name: 'GitHub Actions (local)',
      issuerUrl: gh.url,
      audience: DEFAULT_AUDIENCE,
      maxLifetime: '3600',
    }),
  );
  const { account } = await newAccount(admin, 'global');
  accountId = account.id;
  userId = account.userId;
  await addTrustRule(
    admin,
    addTrustRuleSchema.parse({
      serviceAccountId: account.id,
      issuerId: issuer.id,
      conditions: [
        { claim: 'repository', matcher: 'is', value: 'acme/api' },
        { claim: 'ref', matcher: 'starts_with', value: 'refs/heads/main' },
      ],
      maxLifetime: '3600',
    }),
  );
  server = await startConsole({ FEDERATION_ALLOW_HTTP_LOCALHOST: '1' });
}, 90_000);

afterAll(async () => {
  await server?.stop();
  await gh?.stop();
});

const exchange = (subjectToken: string) =>
  fetch(`${server.url}/api/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: subjectToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      audience: accountId,
    }),
  });

describe('token exchange over HTTP', () => {
  it('issues a token that /api/v1/verify accepts as the account', async () => {
    const res = await exchange(await gh.mint());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body).toMatchObject({ token_type: 'Pomerium', expires_in: 3600 });
    const verified = await fetch(`${server.url}/api/v1/verify`, {
      headers: { authorization: `${body.token_type} ${body.access_token}` },
    });
    expect(verified.status).toBe(200);
    expect(await verified.json()).toMatchObject({ sub: userId, service_account_id: accountId });
  });

  it('refuses a token for another audience with 401 invalid_grant, and logs why without the token', async () => {
    const token = await gh.mint({ audience: 'sigstore' });
    const res = await exchange(token);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
    const logged = await within(async () => server.logs().includes('"reason":"audience"'), 5000, 50);
    expect(logged, 'the refusal and its reason are in the log').not.toBeNull();
    expect(server.logs()).not.toContain(token);
  });

  it('answers a malformed request with 400 and other methods with 405', async () => {
    const res = await fetch(`${server.url}/api/v1/token`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    expect((await fetch(`${server.url}/api/v1/token`)).status).toBe(405);
  });
});
