// A local OIDC issuer in the shape of GitHub Actions' (token.actions.githubusercontent.com):
// a discovery document, a JWKS, and RS256 ID tokens with the claims a workflow run gets.
// A real node:http server, so the console fetches and caches its keys as it would GitHub's.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export interface MintOptions {
  /** Claims to add or replace (undefined removes one). */
  claims?: Record<string, unknown>;
  audience?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Sign with a key the issuer does not publish (under the published kid). */
  foreignKey?: boolean;
  issuer?: string;
}

export interface LocalIssuer {
  url: string;
  /** How often the JWKS and the discovery document were fetched. */
  fetches: { jwks: number; discovery: number };
  mint(opts?: MintOptions): Promise<string>;
  stop(): Promise<void>;
}

export const DEFAULT_AUDIENCE = 'https://postern.example';

/** The claims of a push to main in acme/api. */
export const githubClaims = (iss: string) => ({
  sub: 'repo:acme/api:ref:refs/heads/main',
  repository: 'acme/api',
  repository_owner: 'acme',
  repository_id: '123456',
  ref: 'refs/heads/main',
  ref_type: 'branch',
  sha: 'd6f3c8e0a1b2c3d4e5f60718293a4b5c6d7e8f90',
  workflow: 'deploy',
  job_workflow_ref: 'acme/api/.github/workflows/deploy.yml@refs/heads/main',
  event_name: 'push',
  actor: 'octocat',
  run_id: '987654321',
  run_attempt: '1',
  runner_environment: 'github-hosted',
  iss,
});

export async function startLocalIssuer(): Promise<LocalIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const other = await generateKeyPair('RS256');
  const kid = 'local-1';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const fetches = { jwks: 0, discovery: 0 };
  let url = '';
  const server = http.createServer((req, res) => {
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      fetches.discovery++;
      return send({
        issuer: url,
        jwks_uri: `${url}/.well-known/jwks`,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        id_token_signing_alg_values_supported: ['RS256'],
        claims_supported: Object.keys(githubClaims(url)),
      });
    }
    if (req.url === '/.well-known/jwks') {
      fetches.jwks++;
      return send({ keys: [jwk] });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    fetches,
    async mint(opts = {}) {
      const claims: Record<string, unknown> = { ...githubClaims(url), ...opts.claims };
      for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
      const now = Math.floor(Date.now() / 1000);
      const exp = now + (opts.expiresIn ?? 300);
      const key: CryptoKey = opts.foreignKey ? other.privateKey : privateKey;
      return new SignJWT({ ...claims, iss: opts.issuer ?? url })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setAudience(opts.audience ?? DEFAULT_AUDIENCE)
        .setIssuedAt(Math.min(now, exp - 60))
        .setNotBefore(Math.min(now, exp - 60))
        .setExpirationTime(exp)
        .setJti(crypto.randomUUID())
        .sign(key);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
