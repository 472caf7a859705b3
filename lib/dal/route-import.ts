import 'server-only';
// Import and export of Pomerium route files for one namespace. The conversion itself is
// pure (lib/pomerium); here it meets the database: what already exists, nesting rules,
// and one transaction that writes everything or nothing, recorded in the Change History.
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { authorize } from '@/lib/dal/authz';
import type { Tx } from '@/lib/dal/epoch';
import { mutate } from '@/lib/dal/mutation';
import { AppError, invalid, conflict } from '@/lib/dal/errors';
import { namespaceTree, pathTo } from '@/lib/dal/namespaces';
import { checkNesting } from '@/lib/dal/routes';
import {
  ImportError,
  planPomeriumImport,
  type PlannedPolicy,
  type PlannedRoute,
  type SkippedRoute,
} from '@/lib/pomerium/import-routes';
import { exportPomeriumRoutes, type ExportResult, type ExportRoute } from '@/lib/pomerium/export-routes';

export interface PreviewPolicy extends PlannedPolicy {
  /** What confirming does with it: create it (under `name`), or use the existing identical one. */
  action: 'create' | 'reuse';
  /** The name it gets when a different policy already has the preferred one. */
  finalName: string;
  /** The existing policy used instead, for 'reuse'. */
  existingId?: string;
}
export interface PreviewRoute extends PlannedRoute {
  conflict: string | null;
}
export interface ImportPreview {
  routes: PreviewRoute[];
  policies: PreviewPolicy[];
  skipped: SkippedRoute[];
  /** Enforced policies of the namespace and its ancestors: they also apply to every imported route. */
  enforcedAlready: string[];
  /** True when nothing stands in the way of confirming. */
  ready: boolean;
}

class Rollback extends Error {
  constructor(readonly preview: ImportPreview) {
    super('rollback');
  }
}

async function plan(tx: Tx, who: Actor, namespaceId: string, text: string): Promise<ImportPreview> {
  let p: ReturnType<typeof planPomeriumImport>;
  try {
    p = planPomeriumImport(text);
  } catch (e) {
    if (e instanceof ImportError) throw invalid(e.message, { text: [e.message] });
    throw e;
  }
  const all = await namespaceTree(tx);
  const chain = pathTo(all, namespaceId).map((n) => n.id);
  const existing = await tx.policy.findMany({
    where: { namespaceId: { in: chain } },
    select: { id: true, namespaceId: true, name: true, nameKey: true, enforced: true, ppl: true },
  });
  const here = new Map(existing.filter((e) => e.namespaceId === namespaceId).map((e) => [e.nameKey, e]));
  const taken = new Set(here.keys());
  const policies: PreviewPolicy[] = p.policies.map((pol) => {
    // The same policy already in force (an enforced one from an ancestor, or the same one here): use it.
    const same = existing.find(
      (e) =>
        e.nameKey === pol.name.toLowerCase() &&
        e.ppl === pol.ppl &&
        e.enforced === pol.enforced &&
        (e.namespaceId === namespaceId || e.enforced),
    );
    if (same) return { ...pol, action: 'reuse', finalName: same.name, existingId: same.id };
    let finalName = pol.name;
    for (let n = 2; taken.has(finalName.toLowerCase()); n++)
      finalName = `${pol.name} (imported${n > 2 ? ` ${n - 1}` : ''})`;
    taken.add(finalName.toLowerCase());
    return { ...pol, action: 'create', finalName: finalName.slice(0, 100) };
  });
  const enforcedAlready = existing.filter((e) => e.enforced).map((e) => e.name);

  const found = await tx.route.findMany({
    where: { OR: p.routes.map((r) => ({ host: r.host, pathPrefix: r.pathPrefix })) },
    select: { host: true, pathPrefix: true, name: true, namespaceId: true },
  });
  const seen = new Set<string>();
  const routes: PreviewRoute[] = [];
  for (const r of p.routes) {
    const key = `${r.host}${r.pathPrefix}`;
    let why: string | null = null;
    const hit = found.find((f) => f.host === r.host && f.pathPrefix === r.pathPrefix);
    if (hit)
      why = `${r.from} is already served by ${chain.includes(hit.namespaceId) || hit.namespaceId === namespaceId ? `route "${hit.name}"` : 'a route in another namespace'}.`;
    else if (seen.has(key)) why = `${r.from} appears twice in the file.`;
    else {
      try {
        await checkNesting(tx, who, { namespaceId, host: r.host, pathPrefix: r.pathPrefix });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        why = e.message;
      }
    }
    seen.add(key);
    routes.push({ ...r, conflict: why });
  }
  const ready = routes.length > 0 && routes.every((r) => r.conflict === null);
  return { routes, policies, skipped: p.skipped, enforcedAlready: [...new Set(enforcedAlready)], ready };
}

/** What an import would create, with conflicts; writes nothing. */
export async function previewPomeriumImport(
  actor: Actor | null,
  namespaceId: string,
  text: string,
): Promise<ImportPreview> {
  const who = await authorize(actor, namespaceId, 'manager');
  try {
    await (await getPrisma()).$transaction(async (tx) => {
      throw new Rollback(await plan(tx, who, namespaceId, text));
    });
  } catch (e) {
    if (e instanceof Rollback) return e.preview;
    throw e;
  }
  throw new Error('unreachable');
}

/**
 * Creates the routes and policies of a Pomerium file in one transaction, or nothing when
 * anything conflicts (the preview lists what). Each creation is a Change History entry.
 */
export async function importPomeriumRoutes(
  actor: Actor | null,
  namespaceId: string,
  text: string,
): Promise<{ routes: number; policies: number }> {
  const who = await authorize(actor, namespaceId, 'manager');
  return mutate(
    async (m) => {
      const { tx } = m;
      const preview = await plan(tx, who, namespaceId, text);
      if (!preview.routes.length)
        throw invalid('The file has no route Postern can import.', {
          text: ['The file has no route Postern can import.'],
        });
      const blocked = preview.routes.filter((r) => r.conflict);
      if (blocked.length)
        throw conflict(
          `Nothing was imported: ${blocked.length} route${blocked.length === 1 ? '' : 's'} conflict with existing ones. ${blocked[0]!.conflict}`,
        );
      const ids = new Map<string, string>();
      let createdPolicies = 0;
      for (const pol of preview.policies) {
        if (pol.action === 'reuse') {
          ids.set(pol.name, pol.existingId!);
          continue;
        }
        const created = await tx.policy.create({
          data: {
            namespaceId,
            name: pol.finalName,
            nameKey: pol.finalName.toLowerCase(),
            enforced: pol.enforced,
            description: 'Imported from a Pomerium route file.',
            ppl: pol.ppl,
          },
        });
        createdPolicies++;
        ids.set(pol.name, created.id);
        await m.record(who, {
          action: 'create',
          entityType: 'policy',
          entityId: created.id,
          namespaceId,
          after: { name: created.name, enforced: created.enforced, ppl: created.ppl, source: 'pomerium import' },
        });
      }
      for (const r of preview.routes) {
        const policyIds = [
          ...new Set(
            r.policies
              .map((n) => {
                const pol = preview.policies.find((p) => p.name === n)!;
                // An enforced policy applies without being picked; picking it too would be redundant.
                return pol.enforced ? null : (ids.get(n) ?? null);
              })
              .filter((x): x is string => x !== null),
          ),
        ];
        const created = await tx.route.create({
          data: {
            namespaceId,
            name: r.name,
            host: r.host,
            pathPrefix: r.pathPrefix,
            toUrls: r.to,
            policies: { create: policyIds.map((policyId) => ({ policyId })) },
          },
          select: { id: true },
        });
        await m.record(who, {
          action: 'create',
          entityType: 'route',
          entityId: created.id,
          namespaceId,
          after: { name: r.name, from: r.from, to: r.to, policyIds, source: 'pomerium import' },
        });
      }
      return { routes: preview.routes.length, policies: createdPolicies };
    },
    { unique: conflict('Nothing was imported: a route or policy was created meanwhile. Preview again.') },
  );
}

/** The namespace's routes as a Pomerium `routes:` file, with every policy that applies to each. */
export async function exportPomeriumFile(
  actor: Actor | null,
  namespaceId: string,
): Promise<ExportResult & { namespace: string }> {
  await authorize(actor, namespaceId, 'viewer');
  const prisma = await getPrisma();
  const all = await namespaceTree();
  const chain = pathTo(all, namespaceId);
  const [routes, enforced] = await Promise.all([
    prisma.route.findMany({
      where: { namespaceId },
      orderBy: [{ host: 'asc' }, { pathPrefix: 'asc' }],
      select: {
        name: true,
        host: true,
        pathPrefix: true,
        toUrls: true,
        policies: {
          select: { policy: { select: { name: true, enforced: true, ppl: true } } },
          orderBy: { policy: { nameKey: 'asc' } },
        },
      },
    }),
    prisma.policy.findMany({
      where: { enforced: true, namespaceId: { in: chain.map((n) => n.id) } },
      select: { name: true, enforced: true, ppl: true },
      orderBy: { nameKey: 'asc' },
    }),
  ]);
  const list: ExportRoute[] = routes.map((r) => {
    const own = r.policies.map((x) => x.policy).filter((p) => !p.enforced || !enforced.some((e) => e.name === p.name));
    return { name: r.name, host: r.host, pathPrefix: r.pathPrefix, to: r.toUrls, policies: [...enforced, ...own] };
  });
  const ns = chain[chain.length - 1]?.name ?? namespaceId;
  return { ...exportPomeriumRoutes(list, { namespace: ns, at: new Date() }), namespace: ns };
}
