// GET /.well-known/pomerium/jwks.json: public signing keys, to check tokens and assertions offline.
import { jwksAnswer, unavailable } from '@/lib/verify/core';
import { publicJwks } from '@/lib/verify/console';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  const head = req.method === 'HEAD';
  let body: string;
  try {
    body = JSON.stringify(await publicJwks());
  } catch {
    const out = unavailable(head);
    return new Response(out.body, { status: out.status, headers: out.headers });
  }
  const out = jwksAnswer(body, req.headers.get('if-none-match'), head);
  return new Response(out.body, { status: out.status, headers: out.headers });
}
