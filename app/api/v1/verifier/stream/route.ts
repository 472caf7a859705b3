// GET /api/v1/verifier/stream?since=<version>: server-sent events with every state change after `since`, and heartbeats.
import { AppError } from '@/lib/dal/errors';
import { changeStream, verifierRoute } from '@/lib/http/verifier';

export const dynamic = 'force-dynamic';

export const GET = verifierRoute(
  'GET /api/v1/verifier/stream',
  async (req, v) => {
    const since = new URL(req.url).searchParams.get('since') ?? '';
    if (!/^\d{1,19}$/.test(since)) throw new AppError('invalid', 'since must be the state version of the snapshot.');
    return changeStream(req, v, BigInt(since));
  },
  { needsKey: true },
);
