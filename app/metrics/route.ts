// GET /metrics: Prometheus metrics of this console instance, for a scraper holding METRICS_TOKEN (off without it).
import { bearerMatches, scrape } from '@/lib/observe/metrics';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  const token = process.env.METRICS_TOKEN;
  // Without a token the endpoint does not exist: metrics are never public by default.
  if (!token) return new Response('not found\n', { status: 404, headers: { 'content-type': 'text/plain' } });
  if (!bearerMatches(req.headers.get('authorization'), token))
    return new Response('unauthorized\n', {
      status: 401,
      headers: { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' },
    });
  const { contentType, body } = await scrape();
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}
