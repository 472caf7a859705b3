// ANY /api/v1/verify/forward-auth: Traefik forwardAuth and Caddy forward_auth: reads X-Forwarded-Method, -Host, -Uri only; token, route and policies.
import { handleProxyVerify } from '@/lib/verify/handle';

export const dynamic = 'force-dynamic';

const handle = (req: Request) => handleProxyVerify('forward-auth', req);

export {
  handle as GET,
  handle as POST,
  handle as PUT,
  handle as PATCH,
  handle as DELETE,
  handle as HEAD,
  handle as OPTIONS,
};
