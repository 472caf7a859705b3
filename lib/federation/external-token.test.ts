import { describe, it, expect } from 'vitest';
import { issuerUrlProblem, peekIssuer, verifyExternalToken } from './external-token';

const strict = { allowHttpLocalhost: false };
const local = { allowHttpLocalhost: true };

describe('issuer URLs', () => {
  it('are https; http only on localhost and only when allowed', () => {
    expect(issuerUrlProblem('https://token.actions.githubusercontent.com', strict)).toBeNull();
    expect(issuerUrlProblem('http://127.0.0.1:4000', strict)).toMatch(/https/);
    expect(issuerUrlProblem('http://127.0.0.1:4000', local)).toBeNull();
    expect(issuerUrlProblem('http://localhost:4000', local)).toBeNull();
    expect(issuerUrlProblem('http://issuer.example', local)).toMatch(/https/);
    expect(issuerUrlProblem('ftp://issuer.example', local)).toMatch(/https/);
    expect(issuerUrlProblem('https://u:p@issuer.example', strict)).toMatch(/user name/);
    expect(issuerUrlProblem('https://issuer.example/?a=1', strict)).toMatch(/query/);
    expect(issuerUrlProblem('issuer.example', strict)).toMatch(/full URL/);
  });
});

describe('external tokens', () => {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  it('name their issuer before they are verified, or nothing', () => {
    expect(peekIssuer(`${b64({ alg: 'RS256' })}.${b64({ iss: 'https://x', sub: 's' })}.sig`)).toEqual({
      iss: 'https://x',
      sub: 's',
    });
    expect(peekIssuer(`${b64({ alg: 'RS256' })}.${b64({ sub: 's' })}.sig`)).toBeNull();
    expect(peekIssuer('not a token')).toBeNull();
  });

  it('are refused without a network call when they are not compact JWTs', async () => {
    const r = await verifyExternalToken('x.y', { issuerUrl: 'https://x', audience: 'a', jwksUrl: null }, strict);
    expect(r).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
