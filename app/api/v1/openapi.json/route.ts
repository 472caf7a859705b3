// GET /api/v1/openapi.json: the REST API's OpenAPI 3.1 document, generated from its zod schemas (public).
import { publicApiRoute } from '@/lib/api/handler';
import { json } from '@/lib/api/http';
import { openApiDocument } from '@/lib/api/openapi';
import { config } from '@/lib/config';

export const dynamic = 'force-dynamic';

export const GET = publicApiRoute(async () =>
  json(openApiDocument(config.publicUrl), { headers: { 'cache-control': 'public, max-age=300' } }),
);
