// ANY /api/v1/verify/ext-authz/<original path>: Envoy ext_authz (HTTP service) appends the original path; Host and method are the original ones.
// The raw path reaches here in a header (lib/net/request-stamp.ts), so this stays a static route.
import { allMethods, verifyHandler } from '@/lib/http/verify';

export const dynamic = 'force-dynamic';
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = allMethods(verifyHandler('ext-authz'));
