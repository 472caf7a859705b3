// GET /api/cli/postern.mjs: the `postern` CLI as one self-contained file (built by `npm run build`), so a CI job or a laptop can fetch the version that matches this console and run it with `node postern.mjs`.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@/lib/dal/errors';
import { problem } from '@/lib/http/errors';

export const dynamic = 'force-dynamic';

const route = 'GET /api/cli/postern.mjs';

/** The bundle and its ETag, read once per process (the build does not change under a running server). */
let cached: Promise<{ body: Buffer; etag: string } | null> | null = null;

function load() {
  cached ??= readFile(path.join(process.cwd(), '.cli', 'postern.mjs')).then(
    (body) => ({ body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` }),
    () => {
      cached = null; // built later: look again next time
      return null;
    },
  );
  return cached;
}

export async function GET(request: Request) {
  // Public: the CLI holds no secret and is the same open-source code for everyone.
  const bundle = await load();
  if (!bundle)
    return problem(new AppError('not_found', 'The CLI is not built on this server: run npm run build.'), { route });
  const headers = {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Content-Disposition': 'attachment; filename="postern.mjs"',
    'Cache-Control': 'no-cache',
    ETag: bundle.etag,
  };
  if (request.headers.get('if-none-match') === bundle.etag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(bundle.body), { headers });
}
