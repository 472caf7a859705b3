import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { authenticate } from '@/lib/dal/users';
import { config } from '@/lib/config';
import { sessionSecret } from '@/lib/secrets';
import { signInSchema } from '@/lib/schemas/auth';
import { safeNextPath } from '@/lib/auth/redirect';
import { requestClientAddress } from '@/lib/net/client-address';
import { SSO_PROVIDER_ID, admitSsoUser, admittedSsoUser, ssoProvider } from '@/lib/auth/sso';

process.env.NEXTAUTH_URL ??= config.publicUrl;

/** The `error` codes a refused password sign-in carries; the route answers them with 429. */
export const THROTTLED_PREFIX = 'throttled:';
export const BUSY_ERROR = 'busy';

type SessionUser = { id: string; email: string; name: string | null; sessionVersion: number };

export function authOptions(): NextAuthOptions {
  const sso = ssoProvider();
  return {
    secret: sessionSecret(),
    session: { strategy: 'jwt', maxAge: 12 * 60 * 60 },
    pages: { signIn: '/signin', error: '/signin' },
    providers: [
      CredentialsProvider({
        name: 'Email and password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials, req) {
          const parsed = signInSchema.safeParse(credentials ?? {});
          if (!parsed.success) return null;
          const headers = (req?.headers ?? {}) as Record<string, unknown>;
          const address = requestClientAddress((name) => {
            const v = headers[name];
            return typeof v === 'string' ? v : null;
          });
          const result = await authenticate(parsed.data.email, parsed.data.password, address);
          if (result.ok) return result.user satisfies SessionUser;
          // next-auth turns a thrown error's message into the `error` the form receives.
          if (result.reason === 'throttled')
            throw new Error(`${THROTTLED_PREFIX}${Math.ceil((result.retryAfterMs ?? 1000) / 1000)}`);
          if (result.reason === 'busy') throw new Error(BUSY_ERROR);
          return null;
        },
      }),
      ...(sso ? [sso] : []),
    ],
    callbacks: {
      signIn({ user, account, profile }) {
        return account?.provider === SSO_PROVIDER_ID ? admitSsoUser(user, profile) : true;
      },
      // Only paths of this origin, whatever callbackUrl a link carried.
      redirect({ url, baseUrl }) {
        const origin = new URL(baseUrl).origin;
        let candidate = url;
        try {
          const u = new URL(url);
          if (u.origin === origin) candidate = `${u.pathname}${u.search}${u.hash}`;
        } catch {
          /* a relative path: judged as it is */
        }
        return `${origin}${safeNextPath(candidate, origin)}`;
      },
      jwt({ token, user, account }) {
        if (user && account?.provider === SSO_PROVIDER_ID) {
          // Our user id, never the provider's `sub`.
          const ours = admittedSsoUser(user, account);
          return { ...token, sub: ours.id, email: ours.email, name: ours.name, ver: ours.sessionVersion };
        }
        if (user) return { ...token, sub: user.id, ver: (user as unknown as SessionUser).sessionVersion };
        return token;
      },
      session({ session, token }) {
        // The session version: a session older than the user's current one is refused (lib/session.ts).
        return {
          ...session,
          user: { ...session.user, id: token.sub, ver: typeof token.ver === 'number' ? token.ver : undefined },
        };
      },
    },
  };
}
