import 'server-only';
import type { Account, Profile, User } from 'next-auth';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { ssoClaimsSchema } from '@/lib/schemas/auth';
import { findOrCreateSsoUser } from '@/lib/dal/users';
import { config } from '@/lib/config';
import { log } from '@/lib/log';

// Single sign-on through any OpenID Connect provider, on when OIDC_ISSUER, OIDC_CLIENT_ID and
// OIDC_CLIENT_SECRET are all set. A first SSO sign-in creates a console user without a role.

export const SSO_PROVIDER_ID = 'oidc';

/** `?error=` codes the sign-in page maps to sentences. */
export const SSO_EMAIL_TAKEN = 'SsoEmailTaken';
export const SSO_EMAIL_UNVERIFIED = 'SsoEmailUnverified';
export const ACCOUNT_DISABLED = 'AccountDisabled';

interface SsoSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  name: string;
}

function ssoSettings(): SsoSettings | null {
  const issuer = process.env.OIDC_ISSUER?.trim().replace(/\/+$/, '');
  const clientId = process.env.OIDC_CLIENT_ID?.trim();
  const clientSecret = process.env.OIDC_CLIENT_SECRET;
  if (!issuer || !clientId || !clientSecret) return null;
  return { issuer, clientId, clientSecret, name: process.env.OIDC_NAME?.trim() || 'SSO' };
}

/** The name on the sign-in button, or null when SSO is not configured. */
export function ssoName(): string | null {
  return ssoSettings()?.name ?? null;
}

/** The ID-token claims the console reads. */
interface OidcClaims {
  iss?: string;
  sub: string;
  email?: string;
  email_verified?: boolean | string;
  name?: string;
}

/** next-auth's OAuth provider in OpenID Connect mode (v4 spells it type "oauth" + idToken), or null. */
export function ssoProvider(): OAuthConfig<OidcClaims> | null {
  const s = ssoSettings();
  if (!s) return null;
  return {
    id: SSO_PROVIDER_ID,
    name: s.name,
    type: 'oauth',
    wellKnown: `${s.issuer}/.well-known/openid-configuration`,
    authorization: { params: { scope: 'openid email profile' } },
    idToken: true,
    checks: ['pkce', 'state'],
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    profile: (claims) => ({ id: claims.sub, email: claims.email ?? null, name: claims.name ?? null }),
  };
}

type ConsoleUser = { id: string; email: string; name: string | null; sessionVersion: number };

// The console user admitted by the signIn callback, for the jwt callback of the same request.
// Keyed by the user object next-auth hands to both; a miss fails the sign-in (never the IdP's sub).
const admitted = new WeakMap<object, ConsoleUser>();

/**
 * The signIn callback for SSO: refuses an email the provider says is not verified (or no email
 * at all), then finds or creates the console user. Returns true, false (next-auth's
 * AccessDenied) or the sign-in page with our own error code.
 */
export async function admitSsoUser(user: User, profile: Profile | undefined): Promise<boolean | string> {
  const parsed = ssoClaimsSchema.safeParse(profile ?? {});
  if (!parsed.success) {
    log.warn(
      { event: 'sso_refused', reason: 'claims', fields: parsed.error.issues.map((i) => i.path.join('.')) },
      'SSO sign-in refused: missing or invalid claims',
    );
    return false;
  }
  const claims = parsed.data;
  const subject = `${claims.iss}|${claims.sub}`;
  const verified = claims.email_verified === true || claims.email_verified === 'true';
  // Without `email_verified: true` the email is trusted only from an issuer configured as
  // authoritative for its users' emails (OIDC_EMAIL_AUTHORITATIVE=true).
  const trusted = verified || (config.oidcEmailAuthoritative && claims.email_verified === undefined);
  const result = await findOrCreateSsoUser(subject, claims.email, claims.name || null, trusted);
  if (!result.ok) {
    log.warn({ event: 'sso_refused', reason: result.reason, subject }, 'SSO sign-in refused');
    const code =
      result.reason === 'email_taken'
        ? SSO_EMAIL_TAKEN
        : result.reason === 'disabled'
          ? ACCOUNT_DISABLED
          : SSO_EMAIL_UNVERIFIED;
    return `${config.publicUrl}/signin?error=${code}`;
  }
  admitted.set(user, result.user);
  log.info({ event: 'sso_sign_in', userId: result.user.id, outcome: result.outcome }, 'SSO sign-in');
  return true;
}

/** In the jwt callback at an SSO sign-in: the console user admitted above. */
export function admittedSsoUser(user: User, account: Account): ConsoleUser {
  const found = account.provider === SSO_PROVIDER_ID ? admitted.get(user) : undefined;
  if (!found) throw new Error('SSO sign-in was not admitted');
  admitted.delete(user);
  return found;
}
