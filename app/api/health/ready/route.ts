// GET /api/health/ready: readiness: route traffic here only on 200 (database reachable, migrations applied, verify cache fresh, not shutting down).
import { readiness } from '@/lib/dal/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const { ready, checks } = await readiness();
  return Response.json(
    { status: ready ? 'ready' : 'not_ready', checks },
    { status: ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
}
