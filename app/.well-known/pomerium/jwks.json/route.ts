// GET /.well-known/pomerium/jwks.json: public signing keys, to check tokens and assertions offline.
import { createHash } from 'node:crypto';
import { publicJwks } from '@/lib/verify/console';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  let body: string;
  try {
    body = JSON.stringify(await publicJwks());
  } catch {
    return Response.json(
      { error: 'unavailable' },
      { status: 503, headers: { 'retry-after': '5', 'cache-control': 'no-store' } },
    );
  }
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const headers = { 'content-type': 'application/json', 'cache-control': 'public, max-age=60', etag };
  if (req.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
  return new Response(body, { status: 200, headers });
}
