// ANY /api/v1/verify: the token-only check for programmatic callers (no route is judged; proxies use the endpoints below).
// A static route: a dynamic segment costs Next.js ~0.4 ms of route matching per request (bench/README.md).
import { allMethods, verifyHandler } from '@/lib/http/verify';

export const dynamic = 'force-dynamic';
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = allMethods(verifyHandler('token'));
