// GET|POST /api/auth/*: next-auth's sign-in, sign-out, session and CSRF endpoints.
import NextAuth from 'next-auth';
import { BUSY_ERROR, THROTTLED_PREFIX, authOptions } from '@/lib/auth/options';
import { passwordGate } from '@/lib/auth/password-gate';
import { config } from '@/lib/config';

const isPasswordSignIn = (req: Request) =>
  req.method === 'POST' && new URL(req.url).pathname.endsWith('/callback/credentials');

function tooMany(retryAfter: string, error: string, headers = new Headers()) {
  headers.set('retry-after', retryAfter);
  headers.set('content-type', 'application/json');
  return new Response(
    JSON.stringify({ url: `${config.publicUrl}/api/auth/error?error=${encodeURIComponent(error)}` }),
    { status: 429, headers },
  );
}

/**
 * A password sign-in refused by the throttle or the password-check cap answers 429 with
 * Retry-After (next-auth itself would say 401): clients and proxies can tell "slow down"
 * from "wrong password". While every password-check slot is taken, a sign-in is refused
 * before next-auth even reads it, so a flood costs the process next to nothing.
 */
async function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  if (!isPasswordSignIn(req)) return NextAuth(authOptions())(req, ctx);
  if (passwordGate.full) return tooMany('1', BUSY_ERROR);
  const res: Response = await NextAuth(authOptions())(req, ctx);
  if (res.status !== 401) return res;
  const target = res.headers.get('content-type')?.includes('json')
    ? (
        (await res
          .clone()
          .json()
          .catch(() => null)) as { url?: string } | null
      )?.url
    : res.headers.get('location');
  const error = target ? new URL(target, req.url).searchParams.get('error') : null;
  if (!error || (error !== BUSY_ERROR && !error.startsWith(THROTTLED_PREFIX))) return res;
  const headers = new Headers(res.headers);
  headers.delete('location');
  return tooMany(error === BUSY_ERROR ? '1' : error.slice(THROTTLED_PREFIX.length), error, headers);
}
export { handler as GET, handler as POST };
