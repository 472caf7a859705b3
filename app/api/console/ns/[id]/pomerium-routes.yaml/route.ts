// GET /api/console/ns/:id/pomerium-routes.yaml: the namespace's routes and the policies that apply to them, as a Pomerium `routes:` file.
import { getActor } from '@/lib/session';
import { AppError } from '@/lib/dal/errors';
import { exportPomeriumFile } from '@/lib/dal/route-import';
import { log } from '@/lib/log';

export const dynamic = 'force-dynamic';

const STATUS: Record<AppError['code'], number> = { unauthorized: 401, forbidden: 403, not_found: 404, invalid: 400, conflict: 409, unavailable: 503 };
const json = (status: number, body: Record<string, string>) => Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } });

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const actor = await getActor();
  if (!actor) return json(401, { error: 'unauthorized' });
  const { id } = await params;
  if (!/^[\w-]{1,64}$/.test(id)) return json(400, { error: 'invalid', message: 'Not a namespace id.' });
  try {
    const file = await exportPomeriumFile(actor, id);
    const slug = file.namespace.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'namespace';
    return new Response(file.text, {
      headers: {
        'Content-Type': 'application/yaml; charset=utf-8',
        'Content-Disposition': `attachment; filename="pomerium-routes-${slug}.yaml"`,
        'Cache-Control': 'no-store',
        // Routes left out because a policy uses a Postern extension (also listed at the top of the file).
        'X-Postern-Not-Exported': String(file.notExported.length),
      },
    });
  } catch (err) {
    if (err instanceof AppError) return json(STATUS[err.code], { error: err.code, message: err.message });
    log.error({ err }, 'pomerium export failed');
    return json(500, { error: 'error', message: 'The export failed. Please try again.' });
  }
}
