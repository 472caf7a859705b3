import type { NextConfig } from 'next';

const securityHeaders = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  experimental: {
    // Server actions' request bodies (Next.js answers 413 beyond it, reading no further). The
    // largest form is the route import: a Pomerium configuration of up to 1 MB
    // (lib/pomerium/import-routes.ts MAX_IMPORT_BYTES) plus the form's own fields.
    serverActions: { bodySizeLimit: '2mb' },
  },
  // Native/WASM drivers load their own files at run time: keep them out of the bundle;
  // prom-client keeps one registry per process only when every route shares one copy.
  serverExternalPackages: ['@electric-sql/pglite', 'pglite-prisma-adapter', 'pg', 'pino', 'prom-client'],
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
