// External tokens presented directly to a route, in process on a real database: the route's
// opt-in is an audited field, issuers and rules are verify state (a change moves the state
// version and takes effect at once), every proxy family decides alike, and the issuer
// must be trusted where the account lives, as for the exchange.
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';

vi.hoisted(() => {
  process.env.FEDERATION_ALLOW_HTTP_LOCALHOST = '1';
});

import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { createNamespace } from '@/lib/dal/namespaces';
import { listRoutes, updateRoute } from '@/lib/dal/routes';
import { addTrustedIssuer, removeTrustedIssuer } from '@/lib/dal/trusted-issuers';
import { addTrustRule, removeTrustRule } from '@/lib/dal/trust-rules';
import { loadFederation, readEpoch } from '@/lib/dal/verify-store';
import { addTrustedIssuerSchema } from '@/lib/schemas/trusted-issuer';
import { addTrustRuleSchema } from '@/lib/schemas/trust-rule';
import { makeAdmin } from './support/actors';
import { newAccount, newPolicy, newRoute, routeInput } from './support/builders';
import { uid } from './support/helpers';
import { DEFAULT_AUDIENCE, startLocalIssuer, type LocalIssuer } from './support/oidc-issuer';
import { forwardedRequest, pomerium, verifyAs } from './support/verify';

let admin: Actor;
let gh: LocalIssuer;
let team: string;
let accountId: string;
let userId: string;
let issuerId: string;
let ruleId: string;
let host: string;
let routeId: string;
let policyId: string;

const trustIssuer = (namespaceId: string, url = gh.url) =>
  addTrustedIssuer(
    admin,
    addTrustedIssuerSchema.parse({
      namespaceId,
      kind: 'github',
      name: `GitHub Actions (local ${uid()})`,
      issuerUrl: url,
      audience: DEFAULT_AUDIENCE,
      maxLifetime: '3600',
    }),
  );
const trust = (serviceAccountId: string, issuer: string) =>
  addTrustRule(
    admin,
    addTrustRuleSchema.parse({
      serviceAccountId,
      issuerId: issuer,
      conditions: [{ claim: 'repository', matcher: 'is', value: 'acme/api' }],
      maxLifetime: '3600',
    }),
  );

beforeAll(async () => {
  admin = await makeAdmin();
  gh = await startLocalIssuer();
  team = (await createNamespace(admin, 'global', `fed-${uid()}`)).id;
  ({ id: issuerId } = await trustIssuer(team));
  const { account } = await newAccount(admin, team);
  accountId = account.id;
  userId = account.userId;
  ruleId = (await trust(accountId, issuerId)).id;
  policyId = (await newPolicy(admin, team, `allow:\n  or:\n    - user:\n        is: ${userId}\n`)).id;
  host = `fed-${uid()}.example.com`;
  routeId = (await newRoute(admin, team, `https://${host}`, [policyId], { acceptExternalTokens: true })).id;
});

afterAll(async () => {
  await gh?.stop();
});

const ask = async (token: string, family: 'forward-auth' | 'auth-request' | 'ext-authz' = 'forward-auth') => {
  const headers: Record<string, string> =
    family === 'forward-auth'
      ? forwardedRequest(host, '/deploy')
      : family === 'auth-request'
        ? { 'x-original-url': `https://${host}/deploy`, 'x-original-method': 'GET' }
        : { host };
  const res = await verifyAs(family, { ...pomerium(token), ...headers }, { path: '/deploy' });
  return res.status === 200
    ? `200 ${res.headers.get('x-pomerium-service-account-id')}`
    : `${res.status} ${res.body?.error}`;
};

describe('an external token on a route that accepts them', () => {
  it('is decided as the account on every proxy endpoint', async () => {
    const token = await gh.mint();
    for (const family of ['forward-auth', 'auth-request', 'ext-authz'] as const)
      expect(await ask(token, family), family).toBe(`200 ${accountId}`);
  });

  it('stops working the moment the route stops accepting them, and the change is in the Change History', async () => {
    const token = await gh.mint();
    const before = await readEpoch();
    await updateRoute(admin, routeId, routeInput(`https://${host}`, [policyId], { acceptExternalTokens: false }));
    expect(await readEpoch()).toBeGreaterThan(before);
    expect(await ask(token)).toBe('401 invalid_token');
    const entry = await (await getPrisma()).auditEvent.findFirst({
      where: { entityType: 'route', entityId: routeId, action: 'update' },
      orderBy: { id: 'desc' },
    });
    expect(JSON.stringify(entry, (_, v) => (typeof v === 'bigint' ? String(v) : v))).toMatch(
      /acceptExternalTokens.*true.*acceptExternalTokens.*false/s,
    );
    expect((await listRoutes(admin, team)).find((r) => r.id === routeId)?.acceptExternalTokens).toBe(false);
    await updateRoute(admin, routeId, routeInput(`https://${host}`, [policyId], { acceptExternalTokens: true }));
    expect(await ask(token)).toBe(`200 ${accountId}`);
  });

  it('moves the state version on trust rule and issuer changes, which take effect at once', async () => {
    const token = await gh.mint();
    const v0 = await readEpoch();
    await removeTrustRule(admin, ruleId);
    const v1 = await readEpoch();
    expect(v1).toBeGreaterThan(v0);
    expect(await ask(token)).toBe('401 invalid_token');
    ruleId = (await trust(accountId, issuerId)).id;
    expect(await readEpoch()).toBeGreaterThan(v1);
    expect(await ask(token)).toBe(`200 ${accountId}`);
  });

  it('takes only rules whose issuer is trusted in the account’s namespace or above', async () => {
    const other = await createNamespace(admin, 'global', `fed-other-${uid()}`);
    const elsewhere = await trustIssuer(other.id);
    const federation = await loadFederation();
    expect(federation.issuers.map((i) => i.id)).toContain(elsewhere.id);
    expect(federation.rules.find((r) => r.id === ruleId)).toMatchObject({
      serviceAccountId: accountId,
      accountNamespaceId: team,
      issuerId,
    });
    expect(federation.rules.every((r) => r.issuerId !== elsewhere.id)).toBe(true);
    await removeTrustedIssuer(admin, elsewhere.id);
  });

  it('is refused once its issuer is removed', async () => {
    const token = await gh.mint();
    await removeTrustedIssuer(admin, issuerId);
    expect(await ask(token)).toBe('401 invalid_token');
  });
});
