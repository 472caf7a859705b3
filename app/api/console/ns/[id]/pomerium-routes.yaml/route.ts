// GET /api/console/ns/:id/pomerium-routes.yaml: the namespace's routes and the policies that apply to them, as a Pomerium `routes:` file.
import { getActor } from '@/lib/session';
import { AppError } from '@/lib/dal/errors';
import { exportPomeriumFile } from '@/lib/dal/route-import';
import { problem } from '@/lib/http/errors';

export const dynamic = 'force-dynamic';

const route = 'GET /api/console/ns/:id/pomerium-routes.yaml';

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const actor = await getActor();
  if (!actor) return problem(new AppError('unauthorized', 'You are not signed in.'), { route });
  const { id } = await params;
  if (!/^[\w-]{1,64}$/.test(id))
    return problem(new AppError('invalid', 'Not a namespace id.'), { route, userId: actor.userId });
  try {
    const file = await exportPomeriumFile(actor, id);
    const slug =
      file.namespace
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'namespace';
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
    return problem(err, { route, userId: actor.userId });
  }
}
