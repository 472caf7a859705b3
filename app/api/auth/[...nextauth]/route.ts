// GET|POST /api/auth/*: next-auth's sign-in, sign-out, session and CSRF endpoints.
import NextAuth from 'next-auth';
import { BUSY_ERROR, THROTTLED_PREFIX, authOptions } from '@/lib/auth/options';

/**
 * A password sign-in refused by the throttle or the password-check cap answers 429 with
 * Retry-After (next-auth itself would say 401): clients and proxies can tell "slow down"
 * from "wrong password".
 */
async function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  const res: Response = await NextAuth(authOptions())(req, ctx);
  if (req.method !== 'POST' || res.status !== 401 || !new URL(req.url).pathname.endsWith('/callback/credentials')) return res;
  const target = res.headers.get('content-type')?.includes('json')
    ? ((await res.clone().json().catch(() => null)) as { url?: string } | null)?.url
    : res.headers.get('location');
  const error = target ? new URL(target, req.url).searchParams.get('error') : null;
  if (!error || (error !== BUSY_ERROR && !error.startsWith(THROTTLED_PREFIX))) return res;
  const retryAfter = error === BUSY_ERROR ? '1' : error.slice(THROTTLED_PREFIX.length);
  const headers = new Headers(res.headers);
  headers.set('retry-after', retryAfter);
  return new Response(res.body, { status: 429, headers });
}
export { handler as GET, handler as POST };
