// Workload identity federation end to end in process: a local OIDC issuer shaped like
// GitHub Actions', trusted issuers and trust rules made through the DAL, and the real
// POST /api/v1/token route handler. Every refusal is a 401 invalid_grant (or a 400 for a
// malformed request) and hands out nothing.
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';

vi.hoisted(() => {
  process.env.FEDERATION_ALLOW_HTTP_LOCALHOST = '1';
});

import { decodeJwt } from 'jose';
import { POST } from '@/app/api/v1/token/route';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { createNamespace } from '@/lib/dal/namespaces';
import { revokeServiceAccount, setServiceAccountDisabled } from '@/lib/dal/service-accounts';
import { addTrustedIssuer, listTrustedIssuers, removeTrustedIssuer } from '@/lib/dal/trusted-issuers';
import { addTrustRule, listTrustRules, removeTrustRule } from '@/lib/dal/trust-rules';
import { PEER_HEADER } from '@/lib/net/request-stamp';
import { addTrustedIssuerSchema } from '@/lib/schemas/trusted-issuer';
import { addTrustRuleSchema } from '@/lib/schemas/trust-rule';
import { makeAdmin, makeUserWithRole } from './support/actors';
import { newAccount } from './support/builders';
import { failure, uid } from './support/helpers';
import { DEFAULT_AUDIENCE, startLocalIssuer, type LocalIssuer } from './support/oidc-issuer';
import { pomerium, verify } from './support/verify';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

let admin: Actor;
let gh: LocalIssuer;
let stranger: LocalIssuer;
let issuerId: string;

beforeAll(async () => {
  admin = await makeAdmin();
  [gh, stranger] = await Promise.all([startLocalIssuer(), startLocalIssuer()]);
  issuerId = (await trustIssuer('global', gh.url)).id;
});
afterAll(async () => {
  await Promise.all([gh?.stop(), stranger?.stop()]);
});

const trustIssuer = (namespaceId: string, issuerUrl: string, over: Record<string, unknown> = {}) =>
  addTrustedIssuer(
    admin,
    addTrustedIssuerSchema.parse({
      namespaceId,
      kind: 'github',
      name: `GitHub ${uid()}`,
      issuerUrl,
      audience: DEFAULT_AUDIENCE,
      maxLifetime: '3600',
      ...over,
    }),
  );

const ruleInput = (serviceAccountId: string, over: Record<string, unknown> = {}) =>
  addTrustRuleSchema.parse({
    serviceAccountId,
    issuerId,
    conditions: [
      { claim: 'repository', matcher: 'is', value: 'acme/api' },
      { claim: 'ref', matcher: 'starts_with', value: 'refs/heads/main' },
    ],
    maxLifetime: '3600',
    ...over,
  });

/** An account trusted for pushes to main of acme/api. */
async function trustedAccount(over: Record<string, unknown> = {}, rule: Record<string, unknown> = {}) {
  const { account } = await newAccount(admin, (over.namespaceId as string) ?? 'global', over);
  await addTrustRule(admin, ruleInput(account.id, rule));
  return account;
}

/** A client address of its own per call, so the endpoint's per-address throttle stays out of the way. */
let n = 0;
const nextAddress = () => `198.51.100.${(n++ % 250) + 1}`;

async function exchange(params: Record<string, string>, opts: { address?: string; contentType?: string } = {}) {
  const res = await POST(
    new Request('http://console.test/api/v1/token', {
      method: 'POST',
      headers: {
        'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
        [PEER_HEADER]: '127.0.0.1',
        'x-forwarded-for': opts.address ?? nextAddress(),
      },
      body: new URLSearchParams(params).toString(),
    }),
  );
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

const params = (subjectToken: string, accountId: string) => ({
  grant_type: GRANT,
  subject_token: subjectToken,
  subject_token_type: JWT_TYPE,
  audience: accountId,
});

const exchangeEvents = async (accountId: string) =>
  (await getPrisma()).auditEvent.findMany({ where: { entityType: 'token_exchange', entityId: accountId } });

const epoch = async () => (await (await getPrisma()).cacheEpoch.findUnique({ where: { id: 1 } }))?.version ?? 0n;

describe('token exchange: accepted', () => {
  it('answers per RFC 8693 with a token of the account that verifies, lives at most an hour, and is recorded', async () => {
    const account = await trustedAccount();
    const subjectToken = await gh.mint();
    const versionBefore = await epoch();
    const res = await exchange(params(subjectToken, account.id));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Pomerium',
      expires_in: 3600,
    });
    const token = res.body.access_token as string;
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: account.userId, jti: account.id, aud: 'postern' });
    expect(claims.exp! - claims.iat!).toBe(3600);

    const verified = await verify(pomerium(token));
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ sub: account.userId, service_account_id: account.id });

    const [event, ...more] = await exchangeEvents(account.id);
    expect(more).toHaveLength(0);
    expect(event).toMatchObject({
      action: 'create',
      actorEmail: expect.stringMatching(/^workload:repo:acme\/api:ref:refs\/heads\/main \(GitHub /),
      clientAddress: expect.stringMatching(/^198\.51\.100\./),
    });
    expect(event!.after).toMatchObject({
      serviceAccountId: account.id,
      userId: account.userId,
      issuer: gh.url,
      subject: 'repo:acme/api:ref:refs/heads/main',
      claims: { repository: 'acme/api', ref: 'refs/heads/main', sha: expect.any(String), workflow: 'deploy' },
    });
    const history = JSON.stringify({ ...event, id: String(event!.id) });
    expect(history).not.toContain(subjectToken);
    expect(history).not.toContain(token);
    // An exchange changes nothing the verify path reads: verifiers are not told to reload.
    expect(await epoch()).toBe(versionBefore);
  });

  it('accepts the id_token subject type and the jwt requested type', async () => {
    const account = await trustedAccount();
    const res = await exchange({
      ...params(await gh.mint(), account.id),
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      requested_token_type: JWT_TYPE,
    });
    expect(res.status).toBe(200);
    expect(res.body.issued_token_type).toBe(JWT_TYPE);
  });

  it('gives the shortest lifetime of the rule, the issuer and the account', async () => {
    const short = await trustedAccount({}, { maxLifetime: '300' });
    expect((await exchange(params(await gh.mint(), short.id))).body.expires_in).toBe(300);

    const { id: shortIssuer } = await trustIssuer('global', gh.url, { audience: 'short-lived', maxLifetime: '900' });
    const viaShortIssuer = await trustedAccount({}, { issuerId: shortIssuer });
    const res = await exchange(params(await gh.mint({ audience: 'short-lived' }), viaShortIssuer.id));
    expect(res.body.expires_in).toBe(900);

    const soon = new Date(Date.now() + 10 * 60_000).toISOString();
    const expiring = await trustedAccount({ expiration: 'custom', customExpiresAt: soon });
    const left = (await exchange(params(await gh.mint(), expiring.id))).body.expires_in as number;
    expect(left).toBeGreaterThan(500);
    expect(left).toBeLessThanOrEqual(600);
  });

  it('trusts issuers of ancestor namespaces, and fetches the issuer keys once for many exchanges', async () => {
    const child = await createNamespace(admin, 'global', `team-${uid()}`);
    const account = await trustedAccount({ namespaceId: child.id });
    for (let i = 0; i < 3; i++) expect((await exchange(params(await gh.mint(), account.id))).status).toBe(200);
    expect(gh.fetches).toEqual({ jwks: 1, discovery: 1 });
  });
});

describe('token exchange: refused', () => {
  const refused = async (res: Awaited<ReturnType<typeof exchange>>, accountId: string, text: RegExp) => {
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.body.error_description).toMatch(text);
    expect(res.body.access_token).toBeUndefined();
    expect(await exchangeEvents(accountId)).toHaveLength(0);
  };

  it('an issuer nobody trusts, or one this account has no rule for', async () => {
    const account = await trustedAccount();
    await refused(await exchange(params(await stranger.mint(), account.id)), account.id, /not trusted/);
    const { account: ruleless } = await newAccount(admin, 'global');
    await refused(await exchange(params(await gh.mint(), ruleless.id)), ruleless.id, /not trusted/);
    // An account that does not exist gets the same answer: nothing is revealed.
    const missing = crypto.randomUUID();
    await refused(await exchange(params(await gh.mint(), missing)), missing, /not trusted/);
  });

  it('a token for another audience, expired, or not signed with the issuer’s published key', async () => {
    const account = await trustedAccount();
    await refused(
      await exchange(params(await gh.mint({ audience: 'sigstore' }), account.id)),
      account.id,
      /another audience/,
    );
    await refused(await exchange(params(await gh.mint({ expiresIn: -120 }), account.id)), account.id, /expired/);
    await refused(
      await exchange(params(await gh.mint({ foreignKey: true }), account.id)),
      account.id,
      /signature does not verify/,
    );
    // A valid signature over other claims: the payload of one token with the signature of another.
    const [header, , signature] = (await gh.mint()).split('.');
    const payload = (await gh.mint({ claims: { run_id: '1' } })).split('.')[1];
    const forged = `${header}.${payload}.${signature}`;
    await refused(await exchange(params(forged, account.id)), account.id, /signature/);
  });

  it('claims that meet no rule: another repository, another branch, a missing claim', async () => {
    const account = await trustedAccount();
    for (const claims of [
      { repository: 'evil/api', sub: 'repo:evil/api:ref:refs/heads/main' },
      { ref: 'refs/heads/feature' },
      { ref: undefined },
    ])
      await refused(await exchange(params(await gh.mint({ claims }), account.id)), account.id, /meet no trust rule/);
  });

  it('a revoked, disabled or expired account gets nothing, even with a token its rules accept', async () => {
    const disabled = await trustedAccount();
    await setServiceAccountDisabled(admin, disabled.id, true);
    await refused(await exchange(params(await gh.mint(), disabled.id)), disabled.id, /disabled/);

    const revoked = await trustedAccount();
    await revokeServiceAccount(admin, revoked.id);
    expect(await listTrustRules(admin, revoked.id).catch((e: Error) => e.message)).toMatch(/not found/);
    await refused(await exchange(params(await gh.mint(), revoked.id)), revoked.id, /not trusted/);

    const expiring = await trustedAccount({
      expiration: 'custom',
      customExpiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    await (await getPrisma()).serviceAccount.update({
      where: { id: expiring.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await refused(await exchange(params(await gh.mint(), expiring.id)), expiring.id, /expired/);
  });

  it('once the rule or the issuer is removed', async () => {
    const account = await trustedAccount();
    const [rule] = await listTrustRules(admin, account.id);
    await removeTrustRule(admin, rule!.id);
    await refused(await exchange(params(await gh.mint(), account.id)), account.id, /not trusted/);

    const { id } = await trustIssuer('global', gh.url, { audience: `aud-${uid()}` });
    const other = await trustedAccount({}, { issuerId: id });
    await removeTrustedIssuer(admin, id);
    expect(await listTrustRules(admin, other.id)).toEqual([]);
    const history = await (await getPrisma()).auditEvent.findMany({
      where: { entityType: 'trust_rule', action: 'delete' },
    });
    expect(history.some((e) => (e.after ?? e.before) && JSON.stringify(e.before).includes(other.id))).toBe(true);
  });

  it('missing or malformed parameters: 400 with the RFC 6749 error code', async () => {
    const account = await trustedAccount();
    const good = params(await gh.mint(), account.id);
    const cases: [Record<string, string>, number, string, { contentType?: string }?][] = [
      [{ ...good, grant_type: '' }, 400, 'unsupported_grant_type'],
      [{ ...good, grant_type: 'client_credentials' }, 400, 'unsupported_grant_type'],
      [
        { subject_token: good.subject_token, subject_token_type: JWT_TYPE, audience: account.id },
        400,
        'invalid_request',
      ],
      [{ ...good, subject_token: '' }, 400, 'invalid_request'],
      [{ ...good, subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' }, 400, 'invalid_request'],
      [{ ...good, audience: 'not-an-id' }, 400, 'invalid_request'],
      [{ ...good, requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }, 400, 'invalid_request'],
      [{ ...good, actor_token: good.subject_token }, 400, 'invalid_request'],
      [{ ...good, resource: 'https://api.example' }, 400, 'invalid_target'],
      [good, 400, 'invalid_request', { contentType: 'application/json' }],
      [{ ...good, subject_token: 'not-a-jwt' }, 401, 'invalid_grant'],
    ];
    for (const [p, status, error, opts] of cases) {
      const res = await exchange(p, opts);
      expect([res.status, res.body.error], JSON.stringify(p).slice(0, 200)).toEqual([status, error]);
      expect(typeof res.body.error_description).toBe('string');
    }
    // A repeated parameter, and a body over the cap.
    const repeated = await POST(
      new Request('http://console.test/api/v1/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `${new URLSearchParams(good)}&audience=${account.id}`,
      }),
    );
    expect(repeated.status).toBe(400);
    const huge = await exchange({ ...good, padding: 'x'.repeat(20_000) });
    expect(huge.status).toBe(413);
    expect(await exchangeEvents(account.id)).toHaveLength(0);
  });

  it('throttles one address after a burst, with Retry-After', async () => {
    const address = '203.0.113.77';
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await exchange({ grant_type: GRANT }, { address })).status);
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    const limited = await exchange({ grant_type: GRANT }, { address });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await exchange({ grant_type: GRANT })).status).toBe(400); // other addresses are not affected
  });
});

describe('trusted issuers and trust rules: who may change them', () => {
  it('only Admins add and remove issuers and rules; Managers and Viewers read them', async () => {
    const ns = await createNamespace(admin, 'global', `ns-${uid()}`);
    const manager = await makeUserWithRole(ns.id, 'manager');
    const { account } = await newAccount(admin, ns.id);
    const issuer = addTrustedIssuerSchema.parse({
      namespaceId: ns.id,
      kind: 'oidc',
      name: 'x',
      issuerUrl: 'https://issuer.example',
      audience: 'postern',
      maxLifetime: '3600',
    });
    expect((await failure(addTrustedIssuer(manager, issuer))).code).toBe('forbidden');
    expect((await failure(addTrustRule(manager, ruleInput(account.id)))).code).toBe('forbidden');
    const added = await addTrustedIssuer(admin, issuer);
    expect((await failure(removeTrustedIssuer(manager, added.id))).code).toBe('forbidden');
    const seen = await listTrustedIssuers(manager, ns.id);
    expect(seen.map((i) => [i.id, i.inherited])).toEqual(
      expect.arrayContaining([
        [added.id, false],
        [issuerId, true],
      ]),
    );
    expect(await listTrustRules(manager, account.id)).toEqual([]);
  });

  it('refuses http issuers other than localhost, and a rule on an issuer outside the account’s namespaces', async () => {
    for (const issuerUrl of ['http://issuer.example', 'ftp://issuer.example', 'https://u:p@issuer.example'])
      expect((await failure(trustIssuer('global', issuerUrl))).fieldErrors).toHaveProperty('issuerUrl');
    const a = await createNamespace(admin, 'global', `a-${uid()}`);
    const b = await createNamespace(admin, 'global', `b-${uid()}`);
    const { id } = await trustIssuer(a.id, 'https://token.actions.githubusercontent.com');
    const { account } = await newAccount(admin, b.id);
    expect((await failure(addTrustRule(admin, ruleInput(account.id, { issuerId: id })))).fieldErrors).toHaveProperty(
      'issuerId',
    );
    expect((await failure(trustIssuer(a.id, 'https://token.actions.githubusercontent.com'))).code).toBe('conflict');
  });

  it('a rule needs a condition that pins a value from its start', () => {
    const r = addTrustRuleSchema.safeParse({
      serviceAccountId: crypto.randomUUID(),
      issuerId,
      conditions: [{ claim: 'repository', matcher: 'ends_with', value: '/api' }],
      maxLifetime: '3600',
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/is, in or starts_with/);
  });
});
