import 'server-only';
import path from 'node:path';

// Settings read once from the environment. Nothing here is secret except SECRET_KEY,
// which only lib/keys.ts reads.
export const config = {
  databaseUrl: process.env.DATABASE_URL || undefined,
  dataDir: path.resolve(/*turbopackIgnore: true*/ process.env.DATA_DIR || './data'),
  /** Tests only: an in-memory PGlite instead of DATA_DIR/pglite. */
  pgliteInMemory: process.env.PGLITE_IN_MEMORY === '1',
  /** The console's public URL: the `iss` of every token it signs. */
  publicUrl: (process.env.POSTERN_URL || process.env.NEXTAUTH_URL || 'http://localhost:3000').replace(/\/+$/, ''),
  /** `aud` of service-account tokens: they are meant for this console's verify endpoint. */
  tokenAudience: 'postern',
  adminEmail: process.env.ADMIN_EMAIL || undefined,
  adminPassword: process.env.ADMIN_PASSWORD || undefined,
  /** OIDC_EMAIL_AUTHORITATIVE=true: the SSO issuer owns its users' emails, so a missing `email_verified` counts as verified. */
  oidcEmailAuthoritative: process.env.OIDC_EMAIL_AUTHORITATIVE === 'true',
  /** FEDERATION_ALLOW_HTTP_LOCALHOST=1 (tests, local development): trusted issuers on http://localhost are allowed. */
  federationAllowHttpLocalhost: process.env.FEDERATION_ALLOW_HTTP_LOCALHOST === '1',
  /**
   * VERIFY_MAX_STALENESS (seconds, default 5): how long the console's verify endpoints keep
   * deciding from memory without reading the state version from the database; then 503.
   */
  verifyMaxStalenessMs: staleness(process.env.VERIFY_MAX_STALENESS),
};

function staleness(value: string | undefined): number {
  if (!value) return 5000;
  const seconds = Number(value);
  // At least two epoch polls (one per second) must fit, or a healthy instance would flap to 503.
  if (!Number.isFinite(seconds) || seconds < 2 || seconds > 300)
    throw new Error(`VERIFY_MAX_STALENESS must be a number of seconds from 2 to 300, not ${JSON.stringify(value)}`);
  return Math.round(seconds * 1000);
}
