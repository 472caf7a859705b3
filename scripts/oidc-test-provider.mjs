#!/usr/bin/env node
// A real OpenID Connect provider for end-to-end tests, built on oidc-provider:
//   node scripts/oidc-test-provider.mjs <port> [console port ...]
// Issuer http://127.0.0.1:<port>; one confidential client `postern-test` whose redirect URIs
// are http://127.0.0.1:<console port>/api/auth/callback/oidc for each console port given
// (or listed in OIDC_TEST_CONSOLE_PORTS, comma-separated). Sign-in uses oidc-provider's
// development forms: any login name is an account, `<name>@sso.example` its verified email.
// A login name starting with "unverified" gets email_verified: false. For tests only.
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

const [port, ...argPorts] = process.argv.slice(2);
const consolePorts = [...argPorts, ...(process.env.OIDC_TEST_CONSOLE_PORTS ?? '').split(',')]
  .map((p) => p.trim())
  .filter(Boolean);
if (!/^\d+$/.test(port ?? '') || consolePorts.length === 0 || !consolePorts.every((p) => /^\d+$/.test(p))) {
  console.error('usage: oidc-test-provider.mjs <port> <console port> [console port ...]');
  process.exit(2);
}

const issuer = `http://127.0.0.1:${port}`;
// A fresh signing key per run: nothing is shared with any other environment.
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-1', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'postern-test',
      client_secret: 'postern-test-secret',
      redirect_uris: consolePorts.map((p) => `http://127.0.0.1:${p}/api/auth/callback/oidc`),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['postern-oidc-test-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The console reads claims from the ID token (it does not call userinfo).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@sso.example`, email_verified: !id.startsWith('unverified'), name: id };
      },
    };
  },
});

provider.on('server_error', (_ctx, err) => console.error('oidc-test-provider server_error:', err.message));

const server = provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready: ${issuer} (redirects to console ports ${consolePorts.join(', ')})`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
