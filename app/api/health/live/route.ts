// GET /api/health/live: liveness: the process is up and serving HTTP (no database call), also while it drains on SIGTERM.
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
}
