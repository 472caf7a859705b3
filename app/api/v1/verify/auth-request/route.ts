// ANY /api/v1/verify/auth-request: nginx auth_request: reads X-Original-URL and X-Original-Method only; token, route and policies.
import { handleProxyVerify } from '@/lib/verify/handle';

export const dynamic = 'force-dynamic';

const handle = (req: Request) => handleProxyVerify('auth-request', req);

export {
  handle as GET,
  handle as POST,
  handle as PUT,
  handle as PATCH,
  handle as DELETE,
  handle as HEAD,
  handle as OPTIONS,
};
