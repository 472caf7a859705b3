// ANY /api/v1/verify/forward-auth: Traefik forwardAuth and Caddy forward_auth: reads X-Forwarded-Method, -Host, -Uri only; token, route and policies.
import { allMethods, verifyHandler } from '@/lib/http/verify';

export const dynamic = 'force-dynamic';
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = allMethods(verifyHandler('forward-auth'));
