// The API reference page over real HTTP: Scalar's browser build comes from this origin
// (the entry module and the chunks it imports, nothing else of the package), and the page
// answers with its own Content-Security-Policy, a fresh nonce each time.
import { readFileSync } from 'node:fs';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startServer, type RunningServer } from '../support/server';

const VERSION = (
  JSON.parse(readFileSync('node_modules/@scalar/api-reference/package.json', 'utf8')) as { version: string }
).version;
let server: RunningServer;
const get = (path: string) => fetch(`${server.url}${path}`, { redirect: 'manual' });

beforeAll(async () => {
  server = await startServer({ DATABASE_URL: process.env.DATABASE_URL, SECRET_KEY: process.env.SECRET_KEY });
});
afterAll(() => server?.stop());

describe('the API reference viewer', () => {
  it('serves the entry module and its chunks under the version, cached for good', async () => {
    const entry = await get(`/api/console/scalar/${VERSION}/standalone.esm.js`);
    expect(entry.status).toBe(200);
    expect(entry.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(entry.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const code = await entry.text();
    expect(code).toContain('createApiReference');
    const chunk = code.match(/from"\.\/(chunks\/[\w.-]+\.js)"/)?.[1];
    expect(chunk).toBeDefined();
    expect((await get(`/api/console/scalar/${VERSION}/${chunk}`)).status).toBe(200);
  });

  it('serves nothing else: no source maps, no other version, no way out of the folder', async () => {
    for (const path of [
      `/api/console/scalar/${VERSION}/standalone.esm.js.map`,
      `/api/console/scalar/${VERSION}/standalone.js`,
      `/api/console/scalar/0.0.0/standalone.esm.js`,
      `/api/console/scalar/${VERSION}/..%2F..%2Fpackage.json`,
      `/api/console/scalar/${VERSION}/chunks/..%2F..%2F..%2Fpackage.json`,
      `/api/console/scalar/${VERSION}`,
    ])
      expect((await get(path)).status, path).toBe(404);
  });

  it('answers the page with a strict policy and a fresh nonce each time', async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const res = await get('/api-docs');
      expect(res.status).toBe(307); // no session: to the sign-in page, still under the policy
      const csp = res.headers.get('content-security-policy') ?? '';
      const nonce = csp.match(/script-src 'self' 'nonce-([A-Za-z0-9+/=]{24})';/)?.[1];
      expect(nonce, csp).toBeDefined();
      nonces.add(nonce!);
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-eval');
    }
    expect(nonces.size).toBe(2);
  });
});
