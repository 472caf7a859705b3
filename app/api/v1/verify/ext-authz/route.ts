// ANY /api/v1/verify/ext-authz/<original path>: Envoy ext_authz (HTTP service) appends the original path; Host and method are the original ones.
// The raw path reaches here in a header (lib/net/request-stamp.ts), so this stays a static route.
import { handleProxyVerify } from '@/lib/verify/handle';

export const dynamic = 'force-dynamic';

const handle = (req: Request) => handleProxyVerify('ext-authz', req);

export {
  handle as GET,
  handle as POST,
  handle as PUT,
  handle as PATCH,
  handle as DELETE,
  handle as HEAD,
  handle as OPTIONS,
};
