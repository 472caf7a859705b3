// POST /api/v1/verifier/accessed: the ids of service accounts a verifier saw used and their requests per hour and route, recorded in batches as the console's own.
import { z } from 'zod';
import { AppError } from '@/lib/dal/errors';
import { recordAccessed } from '@/lib/dal/verify-store';
import { readCappedBody, sizeInWords } from '@/lib/http/body';
import { verifierRoute } from '@/lib/http/verifier';
import { accessedSchema } from '@/lib/schemas/verifier';

export const dynamic = 'force-dynamic';

// 10,000 ids and 50,000 usage rows (accessedSchema's caps) take about 12 MB as JSON.
const MAX_REPORT_BYTES = 16 * 1024 * 1024;

export const POST = verifierRoute(
  'POST /api/v1/verifier/accessed',
  async (req) => {
    const body = await readCappedBody(req, MAX_REPORT_BYTES);
    if (!body.ok) throw new AppError('too_large', `The report is larger than ${sizeInWords(MAX_REPORT_BYTES)}.`);
    let json: unknown = null;
    try {
      json = JSON.parse(body.bytes.toString('utf8'));
    } catch {
      // answered below as an invalid body
    }
    const parsed = accessedSchema.safeParse(json);
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
