// GET /api/version: the build's version; also the framework baseline in bench:verify.
import pkg from '@/package.json';

export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ name: 'postern', version: pkg.version });
}
