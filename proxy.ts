import { NextResponse, type NextRequest } from 'next/server';
import { apiDocsCsp, newNonce } from '@/lib/net/csp';

/**
 * The API reference page runs a third-party viewer: it gets a strict Content-Security-Policy
 * with a nonce per request. Next reads the policy from the request's headers and puts the
 * nonce on its own scripts; the viewer's modules come from this origin.
 */
export function proxy(request: NextRequest) {
  const csp = apiDocsCsp(newNonce(), { dev: process.env.NODE_ENV === 'development' });
  const headers = new Headers(request.headers);
  headers.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

export const config = { matcher: ['/api-docs'] };
