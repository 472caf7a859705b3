// ANY /api/v1/verify/auth-request: nginx auth_request: reads X-Original-URL and X-Original-Method only; token, route and policies.
import { allMethods, verifyHandler } from '@/lib/http/verify';

export const dynamic = 'force-dynamic';
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = allMethods(verifyHandler('auth-request'));
