// ANY /api/v1/verify: the token-only check for programmatic callers (no route is judged; proxies use the endpoints below).
// A static route: a dynamic segment costs Next.js ~0.4 ms of route matching per request (bench/README.md).
import { handleTokenVerify } from '@/lib/verify/handle';

export const dynamic = 'force-dynamic';

export {
  handleTokenVerify as GET,
  handleTokenVerify as POST,
  handleTokenVerify as PUT,
  handleTokenVerify as PATCH,
  handleTokenVerify as DELETE,
  handleTokenVerify as HEAD,
  handleTokenVerify as OPTIONS,
};
