// A CI job's platform token presented directly to the proxy, over real HTTP against the
// production build: a route that accepts external tokens decides it as the token of the
// service account whose trust rule it meets; every other case is refused, and a verifier
// refuses external tokens altogether (it is not sent trusted issuers yet).
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';

vi.hoisted(() => {
  process.env.FEDERATION_ALLOW_HTTP_LOCALHOST = '1';
});

import type { Actor } from '@/lib/dal/actor';
import { createNamespace } from '@/lib/dal/namespaces';
import { setServiceAccountDisabled } from '@/lib/dal/service-accounts';
import { addTrustedIssuer } from '@/lib/dal/trusted-issuers';
import { addTrustRule, removeTrustRule } from '@/lib/dal/trust-rules';
import { createVerifier } from '@/lib/dal/verifiers';
import { addTrustedIssuerSchema } from '@/lib/schemas/trusted-issuer';
import { addTrustRuleSchema } from '@/lib/schemas/trust-rule';
import { makeAdmin } from '../support/actors';
import { newAccount, newPolicy, newRoute } from '../support/builders';
import { uid } from '../support/helpers';
import { DEFAULT_AUDIENCE, startLocalIssuer, type LocalIssuer, type MintOptions } from '../support/oidc-issuer';
import { within } from '../support/poll';
import { traefikForwardAuth } from '../support/proxies';
import { startConsole, type RunningServer } from '../support/server';
import { startVerifier, type RunningVerifier } from '../support/verifier';

let admin: Actor;
let server: RunningServer;
let verifier: RunningVerifier;
let gh: LocalIssuer;
let issuerId: string;
let team: string;
let account: { id: string; userId: string };
const hosts = { open: '', closed: '', denied: '', sibling: '' };

const rule = (serviceAccountId: string, conditions: { claim: string; matcher: string; value: string }[]) =>
  addTrustRule(admin, addTrustRuleSchema.parse({ serviceAccountId, issuerId, conditions, maxLifetime: '3600' }));

beforeAll(async () => {
  admin = await makeAdmin(); // also applies the migrations from this process
  gh = await startLocalIssuer();
  team = (await createNamespace(admin, 'global', `ci-${uid()}`)).id;
  const sibling = (await createNamespace(admin, 'global', `other-${uid()}`)).id;
  // Trusted at the root, so the sibling namespace's route could use it too: only its accounts may.
  issuerId = (
    await addTrustedIssuer(
      admin,
      addTrustedIssuerSchema.parse({
        namespaceId: 'global',
        kind: 'github',
        name: `GitHub Actions (local ${uid()})`,
        issuerUrl: gh.url,
        audience: DEFAULT_AUDIENCE,
        maxLifetime: '3600',
      }),
    )
  ).id;
  account = (await newAccount(admin, team)).account;
  await rule(account.id, [
    { claim: 'repository', matcher: 'is', value: 'acme/api' },
    { claim: 'ref', matcher: 'starts_with', value: 'refs/heads/main' },
  ]);
  const onlyHim = (await newPolicy(admin, team, `allow:\n  or:\n    - user:\n        is: ${account.userId}\n`)).id;
  const nobodyElse = (await newPolicy(admin, team, 'allow:\n  or:\n    - user:\n        is: someone-else\n')).id;
  const anyone = (await newPolicy(admin, sibling, 'allow:\n  or:\n    - authenticated_user: true\n')).id;
  for (const k of Object.keys(hosts) as (keyof typeof hosts)[]) hosts[k] = `${k}-${uid()}.example.com`;
  await newRoute(admin, team, `https://${hosts.open}`, [onlyHim], { acceptExternalTokens: true });
  await newRoute(admin, team, `https://${hosts.closed}`, [onlyHim]);
  await newRoute(admin, team, `https://${hosts.denied}`, [nobodyElse], { acceptExternalTokens: true });
  await newRoute(admin, sibling, `https://${hosts.sibling}`, [anyone], { acceptExternalTokens: true });
  server = await startConsole({ FEDERATION_ALLOW_HTTP_LOCALHOST: '1', DECISION_LOG: 'all' });
  const { credential } = await createVerifier(admin, `edge-${uid()}`);
  verifier = await startVerifier({ POSTERN_URL: server.url, VERIFIER_CREDENTIAL: credential });
  expect(await within(async () => (await fetch(`${verifier.url}/readyz`)).status === 200, 20_000, 50)).not.toBeNull();
}, 120_000);

afterAll(async () => {
  await verifier?.stop();
  await server?.stop();
  await gh?.stop();
});

/** Presents the external token as a Postern token is presented (Authorization: Bearer Pomerium-…). */
const present = (host: string, token: string, base = server.url) =>
  traefikForwardAuth(base, host, '/deploy', { authorization: `Bearer Pomerium-${token}` });
const mint = (opts?: MintOptions) => gh.mint(opts);
const errorOf = (res: { status: number; body: string }) => `${res.status} ${JSON.parse(res.body).error}`;
const answerOf = (res: { status: number; body: string }) => (res.status === 200 ? '200' : errorOf(res));
/** Polls until the console answers `want` for this token on `host`: true, or false after 5 s. */
const answersWithin = async (host: string, token: string, want: string) =>
  (await within(async () => answerOf(await present(host, token)) === want, 5000, 50)) !== null;

/** The decision-log lines about `host`, parsed. */
const decisions = (host: string) =>
  server
    .logs()
    .split('\n')
    .filter((l) => l.includes('"authorize check"') && l.includes(host))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('an external token presented to the proxy', () => {
  it('is decided as the account whose trust rule it meets, with its identity headers', async () => {
    const res = await present(hosts.open, await mint());
    expect(res.status).toBe(200);
    expect(res.headers['x-pomerium-claim-sub']).toBe(account.userId);
    expect(res.headers['x-pomerium-service-account-id']).toBe(account.id);
    expect(res.headers['x-pomerium-jwt-assertion']).toBeTruthy();
  });

  it('is refused with 401 on a route that does not accept external tokens', async () => {
    expect(errorOf(await present(hosts.closed, await mint()))).toBe('401 invalid_token');
  });

  it('gets 403 where the route’s policies do not allow the account', async () => {
    expect(errorOf(await present(hosts.denied, await mint()))).toBe('403 forbidden');
  });

  it('is refused with 401 on another namespace’s route, even one accepting external tokens', async () => {
    expect(errorOf(await present(hosts.sibling, await mint()))).toBe('401 invalid_token');
  });

  it('is refused with 401 invalid_token for a rule mismatch, another audience, expiry and a bad signature', async () => {
    const refused = [
      await mint({ claims: { repository: 'acme/other' } }),
      await mint({ claims: { ref: 'refs/heads/feature' } }),
      await mint({ audience: 'sigstore' }),
      await mint({ expiresIn: -120 }),
      await mint({ foreignKey: true }),
      await mint({ issuer: 'https://token.actions.githubusercontent.com' }),
    ];
    for (const token of refused) expect(errorOf(await present(hosts.open, token))).toBe('401 invalid_token');
    const logged = await within(
      async () =>
        decisions(hosts.open).filter((d) => d.reason === 'invalid_token' && d.status === 401).length >= refused.length,
      5000,
      50,
    );
    expect(logged, 'each refusal is in the decision log as invalid_token').not.toBeNull();
    for (const token of refused) expect(server.logs()).not.toContain(token);
  });

  it('is refused by a verifier, which is not given trusted issuers', async () => {
    expect(errorOf(await present(hosts.open, await mint(), verifier.url))).toBe('401 invalid_token');
  });

  it('is refused as ambiguous while rules of two accounts match it, and accepted again when one goes', async () => {
    const other = (await newAccount(admin, team)).account;
    const extra = await rule(other.id, [{ claim: 'repository', matcher: 'is', value: 'acme/api' }]);
    const token = await mint();
    // The console follows the change by its state version (another process wrote it): poll.
    expect(await answersWithin(hosts.open, token, '401 invalid_token')).toBe(true);
    await removeTrustRule(admin, extra.id);
    expect(await answersWithin(hosts.open, token, '200')).toBe(true);
  });

  it('is refused with 401 disabled once the account is disabled', async () => {
    const token = await mint();
    await setServiceAccountDisabled(admin, account.id, true);
    expect(await answersWithin(hosts.open, token, '401 disabled')).toBe(true);
    await setServiceAccountDisabled(admin, account.id, false);
    expect(await answersWithin(hosts.open, token, '200')).toBe(true);
  });
});
