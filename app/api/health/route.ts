// GET /api/health: the database answers (kept as it was for existing probes; /api/health/live and /api/health/ready are the split ones).
import { checkDatabase } from '@/lib/dal/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const ok = await checkDatabase();
  return Response.json(
    { status: ok ? 'ok' : 'unavailable', database: ok ? 'ok' : 'unavailable' },
    { status: ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
}
