// POST /api/v1/verifier/accessed: the ids of service accounts a verifier saw used and their requests per hour and route, recorded in batches as the console's own.
import { z } from 'zod';
import { AppError } from '@/lib/dal/errors';
import { recordAccessed } from '@/lib/dal/verify-store';
import { verifierRoute } from '@/lib/http/verifier';
import { accessedSchema } from '@/lib/schemas/verifier';

export const dynamic = 'force-dynamic';

export const POST = verifierRoute(
  'POST /api/v1/verifier/accessed',
  async (req) => {
    const parsed = accessedSchema.safeParse(await req.json().catch(() => null));
    if (!parsed.success)
      throw new AppError(
        'invalid',
        'The body must be { "ids": [<service account id>, …], "usage": [<usage record>, …] }.',
        z.flattenError(parsed.error).fieldErrors as Record<string, string[]>,
      );
    await recordAccessed(parsed.data.ids, new Date(), parsed.data.usage);
    return new Response(null, { status: 204 });
  },
  { needsKey: false },
);
