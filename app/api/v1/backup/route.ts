// GET /api/v1/backup: the embedded database as a gzipped tarball, for `npm run backup` holding BACKUP_TOKEN (off without it).
import { takeEmbeddedSnapshot } from '@/lib/dal/backup';
import { log } from '@/lib/log';
import { bearerMatches } from '@/lib/observe/metrics';

export const dynamic = 'force-dynamic';

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(`${body}\n`, {
    status,
    headers: { 'content-type': 'text/plain', 'cache-control': 'no-store', ...headers },
  });

export async function GET(req: Request) {
  const token = process.env.BACKUP_TOKEN;
  // Without a token the endpoint does not exist: the whole database is never one request away by default.
  if (!token) return text(404, 'not found');
  if (!bearerMatches(req.headers.get('authorization'), token))
    return text(401, 'unauthorized', { 'www-authenticate': 'Bearer' });
  let snapshot: Awaited<ReturnType<typeof takeEmbeddedSnapshot>>;
  try {
    snapshot = await takeEmbeddedSnapshot();
  } catch (err) {
    log.error({ err: (err as Error).message }, 'backup: snapshot failed');
    return text(503, 'the database could not be read; try again');
  }
  if (snapshot === 'postgres')
    return text(
      409,
      'this console runs on PostgreSQL: back it up with pg_dump (npm run backup does so with DATABASE_URL)',
    );
  if (snapshot === 'busy') return text(429, 'a backup is already being taken; try again when it is done');
  log.info({ bytes: snapshot.body.size, schema: snapshot.schema }, 'backup: embedded database snapshot served');
  return new Response(snapshot.body.stream(), {
    headers: {
      'content-type': 'application/gzip',
      'content-length': String(snapshot.body.size),
      'cache-control': 'no-store',
      'x-postern-key-fingerprint': snapshot.keyFingerprint,
      'x-postern-schema': snapshot.schema,
    },
  });
}
