import { describe, expect, it } from 'vitest';
import { MAX_VERIFY_BODY_BYTES, verifyBodyRefusal, verifyEndpointOf } from './core';

// The verifier routes raw request paths itself (no framework); these must name the same
// endpoints as the console's route files under app/api/v1/verify.
describe('verifyEndpointOf', () => {
  it.each([
    ['/api/v1/verify', { endpoint: 'token', suffix: null }],
    ['/api/v1/verify?x=1', { endpoint: 'token', suffix: null }],
    ['/api/v1/verify/forward-auth', { endpoint: 'forward-auth', suffix: null }],
    ['/api/v1/verify/forward-auth?a=b', { endpoint: 'forward-auth', suffix: null }],
    ['/api/v1/verify/auth-request', { endpoint: 'auth-request', suffix: null }],
    ['/api/v1/verify/ext-authz', { endpoint: 'ext-authz', suffix: null }],
    ['/api/v1/verify/ext-authz/', { endpoint: 'ext-authz', suffix: '/' }],
    ['/api/v1/verify/ext-authz//a/../b?q=%2F', { endpoint: 'ext-authz', suffix: '//a/../b?q=%2F' }],
    ['/api/v1/verify/whatever', { endpoint: 'unknown' }],
    ['/api/v1/verify/forward-authx', { endpoint: 'unknown' }],
  ] as const)('%s', (path, expected) => {
    expect(verifyEndpointOf(path)).toEqual(expected);
  });

  it.each(['/', '/api/v1/verifyx', '/api/v1/verifier/stream', '/healthz'])('%s is not a verify path', (path) => {
    expect(verifyEndpointOf(path)).toBeNull();
  });
});

describe('verifyBodyRefusal', () => {
  it('lets requests without a body, or with one up to 1 MB, through', () => {
    for (const length of [null, undefined, '0', '100', String(MAX_VERIFY_BODY_BYTES)])
      expect(verifyBodyRefusal(length, false)).toBeNull();
  });

  it('refuses a larger or unreadable declared length with 413 body_too_large', () => {
    for (const length of [String(MAX_VERIFY_BODY_BYTES + 1), '99999999999', 'abc']) {
      const out = verifyBodyRefusal(length, false)!;
      expect(out.status).toBe(413);
      expect(JSON.parse(out.body!)).toEqual({ error: 'body_too_large', detail: expect.stringMatching(/1 MB/) });
    }
    expect(verifyBodyRefusal('99999999999', true)!.body).toBeNull();
  });
});
