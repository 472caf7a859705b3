// GET /api/console/scalar/<version>/<file>: the API reference viewer (Scalar's browser build), from our own origin.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { SCALAR_DIST, scalarVersion } from '@/lib/api-docs';

// Served from here, not a CDN: consoles often run where the internet is not reachable, and the
// reference page's Content-Security-Policy admits scripts from this origin only.

let files: Promise<Set<string>> | null = null;
/** What one may ask for: the entry module and the chunks it imports, nothing else (no maps, no ..). */
function servable(): Promise<Set<string>> {
  files ??= readdir(path.join(SCALAR_DIST, 'chunks')).then(
    (chunks) => new Set(['standalone.esm.js', ...chunks.filter((f) => f.endsWith('.js')).map((f) => `chunks/${f}`)]),
  );
  return files;
}

export async function GET(_req: Request, { params }: { params: Promise<{ file: string[] }> }) {
  const [version, ...rest] = (await params).file;
  const name = rest.join('/');
  if (version !== (await scalarVersion()) || !(await servable()).has(name))
    return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
  return new Response(new Uint8Array(await readFile(path.join(SCALAR_DIST, name))), {
    headers: {
      'Content-Type': 'text/javascript; charset=utf-8',
      // The version is in the path (and the chunks' names are content hashes): a new build is a new URL.
      'Cache-Control': 'public, max-age=31536000, immutable',
    },
  });
}
