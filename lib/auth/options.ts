import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { authenticate } from '@/lib/dal/users';
import { config } from '@/lib/config';
import { sessionSecret } from '@/lib/secrets';
import { signInSchema } from '@/lib/schemas/auth';
import { SSO_PROVIDER_ID, admitSsoUser, admittedSsoUser, ssoProvider } from '@/lib/auth/sso';

process.env.NEXTAUTH_URL ??= config.publicUrl;

export class ThrottledError extends Error {}

function clientIp(headers: Record<string, unknown> | undefined): string {
  const fwd = headers?.['x-forwarded-for'];
  const first = typeof fwd === 'string' ? fwd.split(',')[0]?.trim() : undefined;
  const real = headers?.['x-real-ip'];
  return first || (typeof real === 'string' ? real : '') || 'unknown';
}

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
          const result = await authenticate(parsed.data.email, parsed.data.password, clientIp(req?.headers));
          if (result.ok) return { id: result.user.id, email: result.user.email, name: result.user.name };
          // next-auth turns a thrown error's message into the `error` the form receives.
          if (result.reason === 'throttled') throw new Error(`throttled:${Math.ceil((result.retryAfterMs ?? 1000) / 1000)}`);
          return null;
        },
      }),
      ...(sso ? [sso] : []),
    ],
    callbacks: {
      signIn({ user, account, profile }) {
        return account?.provider === SSO_PROVIDER_ID ? admitSsoUser(user, profile) : true;
      },
      jwt({ token, user, account }) {
        if (user && account?.provider === SSO_PROVIDER_ID) {
          // Our user id, never the provider's `sub`.
          const ours = admittedSsoUser(user, account);
          return { ...token, sub: ours.id, email: ours.email, name: ours.name };
        }
        if (user) token.sub = user.id;
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub } };
      },
    },
  };
}
