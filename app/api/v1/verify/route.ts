// ANY /api/v1/verify: forward-auth check of a service-account token and the route's policies, on every proxied request.
// A static route: a dynamic segment costs Next.js ~0.4 ms of route matching per request (bench/README.md).
import { handleVerify } from '@/lib/verify/handle';

export const dynamic = 'force-dynamic';

export { handleVerify as GET, handleVerify as POST, handleVerify as PUT, handleVerify as PATCH, handleVerify as DELETE, handleVerify as HEAD, handleVerify as OPTIONS };
