// ANY /api/v1/verify[/<original path>]: forward-auth check of a service-account token and the route's policies, on every proxied request.
import { handleVerify } from '@/lib/verify/handle';

export const dynamic = 'force-dynamic';

export { handleVerify as GET, handleVerify as POST, handleVerify as PUT, handleVerify as PATCH, handleVerify as DELETE, handleVerify as HEAD, handleVerify as OPTIONS };
