import { describe, expect, it } from 'vitest';
import { ExternalTrust } from './external';
import { RouteTable } from './route-table';
import type { FederationData } from './types';

// An unsigned JWT naming an issuer: candidates() only reads `iss`, verification comes later.
const tokenFrom = (iss: string) =>
  [{ alg: 'RS256', kid: 'k' }, { iss, sub: 'x' }, 'sig']
    .map((p) => (typeof p === 'string' ? p : Buffer.from(JSON.stringify(p)).toString('base64url')))
    .join('.');

const GH = 'https://token.actions.githubusercontent.com';
// root ─ team ─ sub;  root ─ other
const table = new RouteTable({
  namespaces: [
    { id: 'root', parentId: null },
    { id: 'team', parentId: 'root' },
    { id: 'sub', parentId: 'team' },
    { id: 'other', parentId: 'root' },
  ],
  routes: [
    {
      id: 'r-team',
      namespaceId: 'team',
      host: 'team.example',
      pathPrefix: '/',
      policyIds: [],
      acceptExternalTokens: true,
    },
    { id: 'r-other', namespaceId: 'other', host: 'other.example', pathPrefix: '/', policyIds: [] },
  ],
  policies: [],
});
const issuer = (id: string, namespaceId: string, issuerUrl = GH) => ({
  id,
  namespaceId,
  name: id,
  issuerUrl,
  audience: 'https://postern.example',
  jwksUrl: null,
});
const rule = (id: string, issuerId: string, accountNamespaceId: string) => ({
  id,
  issuerId,
  serviceAccountId: `sa-${id}`,
  accountNamespaceId,
  conditions: [{ claim: 'repository', match: { is: 'acme/api' } }],
});
const data: FederationData = {
  issuers: [issuer('i-root', 'root'), issuer('i-other', 'other'), issuer('i-gl', 'root', 'https://gitlab.com')],
  rules: [
    rule('in-team', 'i-root', 'team'),
    rule('in-root', 'i-root', 'root'),
    rule('in-sub', 'i-root', 'sub'),
    rule('in-other', 'i-other', 'other'),
    rule('gitlab', 'i-gl', 'team'),
  ],
};

describe('ExternalTrust.candidates', () => {
  const trust = new ExternalTrust(data);
  const ids = (token: string, host: string) => trust.candidates(token, table.match(host, '/')!).map((r) => r.id);

  it('offers the rules of the token’s issuer whose accounts are in the route’s namespace or above', () => {
    // Not a descendant's account (sub), not another namespace's account or issuer (other), not another issuer (gitlab).
    expect(ids(tokenFrom(GH), 'team.example')).toEqual(['in-team', 'in-root']);
    expect(ids(tokenFrom(GH), 'other.example')).toEqual(['in-root', 'in-other']);
  });

  it('offers nothing for an unknown issuer or a token without one', () => {
    expect(ids(tokenFrom('https://evil.example'), 'team.example')).toEqual([]);
    expect(ids('not-a-jwt', 'team.example')).toEqual([]);
  });

  it('compiles unreadable stored conditions to a rule that matches nothing', () => {
    const broken = new ExternalTrust({
      issuers: data.issuers,
      rules: [{ ...rule('b', 'i-root', 'team'), conditions: 'x' }],
    });
    const [r] = broken.candidates(tokenFrom(GH), table.match('team.example', '/')!);
    expect(r!.test({ repository: 'acme/api' }).ok).toBe(false);
    expect(
      trust.candidates(tokenFrom(GH), table.match('team.example', '/')!)[0]!.test({ repository: 'acme/api' }).ok,
    ).toBe(true);
  });

  it('reads the route’s opt-in from the table, off when absent', () => {
    expect(table.match('team.example', '/')!.acceptExternalTokens).toBe(true);
    expect(table.match('other.example', '/')!.acceptExternalTokens).toBe(false);
  });
});
