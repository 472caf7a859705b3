import { describe, expect, it } from 'vitest';
import { apiDocsCsp, newNonce } from './csp';

const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));

describe('the API reference page policy', () => {
  it('runs scripts from this origin and the nonce only, never eval in production', () => {
    const d = directives(apiDocsCsp('abc'));
    expect(d.get('script-src')).toEqual(["'self'", "'nonce-abc'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(apiDocsCsp('abc')).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('allows eval in development only', () => {
    expect(directives(apiDocsCsp('abc', { dev: true })).get('script-src')).toContain("'unsafe-eval'");
  });

  it('makes a fresh 128-bit nonce each time', () => {
    const a = newNonce();
    expect(atob(a)).toHaveLength(16);
    expect(newNonce()).not.toBe(a);
  });
});
