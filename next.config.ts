import type { NextConfig } from 'next';
import { SERVER_ACTION_BODY_LIMIT } from './lib/net/limits';

const securityHeaders = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  experimental: {
    // Server actions' request bodies: Next.js stops reading past it; a larger declared body
    // is refused with 413 before Next.js sees it (lib/net/body-limit.ts).
    serverActions: { bodySizeLimit: SERVER_ACTION_BODY_LIMIT },
  },
  // Native/WASM drivers load their own files at run time: keep them out of the bundle;
  // prom-client keeps one registry per process only when every route shares one copy.
  serverExternalPackages: ['@electric-sql/pglite', 'pglite-prisma-adapter', 'pg', 'pino', 'prom-client'],
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
