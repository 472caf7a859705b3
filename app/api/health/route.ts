// GET /api/health: liveness and database reachability, for load balancers and probes.
import { checkDatabase } from '@/lib/dal/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const ok = await checkDatabase();
  return Response.json(
    { status: ok ? 'ok' : 'unavailable', database: ok ? 'ok' : 'unavailable' },
    { status: ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
}
