// ANY /api/v1/verify/<original path>: Envoy ext_authz (HTTP) appends the original path; same check as /api/v1/verify.
import { handleVerify } from '@/lib/verify/handle';

export const dynamic = 'force-dynamic';

export { handleVerify as GET, handleVerify as POST, handleVerify as PUT, handleVerify as PATCH, handleVerify as DELETE, handleVerify as HEAD, handleVerify as OPTIONS };
