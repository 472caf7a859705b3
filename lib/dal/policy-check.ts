import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { authorize, effectiveRoles } from '@/lib/dal/authz';
import { invalid, notFound } from '@/lib/dal/errors';
import { canonicalPath, underPrefix } from '@/lib/net/canonical-path';
import { decide } from '@/lib/verify/decision-memo';
import { verifyEngine } from '@/lib/verify/console';
import type { z } from 'zod';
import type { policyCheckSchema } from '@/lib/schemas/route';

export interface CheckResult {
  allowed: boolean;
  status: 200 | 403;
  summary: string;
  /** The policy that decided, when one did. */
  decidedBy: { name: string; explanation: string; remediation: string } | null;
  reasons: string[];
  policies: string[];
}

/**
 * What the verify endpoint would answer for this identity and request, with the rule that
 * decided. Uses the same route table and evaluation as the verify path.
 */
export async function checkAccess(
  actor: Actor | null,
  input: z.output<typeof policyCheckSchema>,
): Promise<CheckResult> {
  const prisma = await getPrisma();
  const routeRow = await prisma.route.findUnique({
    where: { id: input.routeId },
    select: { namespaceId: true, host: true, pathPrefix: true },
  });
  if (!routeRow) throw notFound('The route');
  const who = await authorize(actor, routeRow.namespaceId, 'viewer');
  // A viewer sees accounts and policy text of the namespaces they can read; of the rest only the decision.
  const roles = await effectiveRoles(who);
  const readable = (namespaceId: string) => !!roles.get(namespaceId);
  // The verify path's own route table (cached, kept fresh), so the answer is the same.
  const table = await verifyEngine.routes();
  const route = table.match(routeRow.host, routeRow.pathPrefix);
  if (!route) throw notFound('The route');
  const policyNs = new Map(
    (
      await prisma.policy.findMany({
        where: { id: { in: route.policies.map((p) => p.id) } },
        select: { id: true, namespaceId: true },
      })
    ).map((p) => [p.id, p.namespaceId]),
  );
  const visible = (p: { id: string }) => readable(policyNs.get(p.id) ?? '');
  const allVisible = route.policies.every(visible);
  const policies = route.policies.map((p) => (visible(p) ? p.name : 'A policy of a namespace you cannot view'));

  const sa = await prisma.serviceAccount.findFirst({
    where: {
      OR: [{ userId: input.subject }, { id: /^[0-9a-f-]{36}$/.test(input.subject) ? input.subject : undefined }],
    },
    select: {
      userId: true,
      namespaceId: true,
      disabled: true,
      expiresAt: true,
      directoryUser: { select: { email: true, groups: true, active: true } },
    },
  });
  const du = sa
    ? null
    : await prisma.directoryUser.findUnique({
        where: { id: input.subject },
        select: { id: true, email: true, groups: true, active: true },
      });
  // An account outside the caller's namespaces is answered as if it did not exist.
  if ((!sa && !du) || (sa && !readable(sa.namespaceId))) throw notFound('That account or user');
  if (sa && !route.scope.has(sa.namespaceId)) {
    return {
      allowed: false,
      status: 403,
      summary: "Denied: the service account's namespace does not include this route.",
      decidedBy: null,
      reasons: ['namespace scope'],
      policies,
    };
  }
  const user = sa
    ? { id: sa.userId, email: sa.directoryUser?.email ?? undefined, groups: sa.directoryUser?.groups ?? [] }
    : { id: du!.id, email: du!.email ?? undefined, groups: du!.groups };
  // Judged in the verify path's canonical form; a path outside the route is judged at its prefix.
  const canonical = canonicalPath(input.path, { allowSemicolon: true, text: true });
  if (!canonical.ok)
    throw invalid(`The path is not valid (${canonical.reason}).`, { path: [`Not a valid path: ${canonical.reason}.`] });
  const path = underPrefix(canonical.path, route.pathPrefix) ? canonical.path : route.pathPrefix;
  const d = decide(route, { user, method: input.method, path, sourceIp: input.sourceIp || undefined }, true);
  const notes: string[] = [];
  if (sa?.disabled) notes.push('Note: this account is disabled, so its token is refused (401) before policies run.');
  if (sa?.directoryUser?.active === false || (du && !du.active))
    notes.push('Note: the directory user is inactive, so the account is refused (401) before policies run.');
  if (sa?.expiresAt && sa.expiresAt.getTime() <= Date.now()) notes.push('Note: this account has expired (401).');
  const shown = d.policy && visible(d.policy) ? d.policy : undefined;
  const by = shown ? ` by policy "${shown.name}"` : d.policy ? ' by a policy of a namespace you cannot view' : '';
  return {
    allowed: d.allowed,
    status: d.allowed ? 200 : 403,
    summary: `${d.allowed ? 'Allowed' : 'Denied'}${by || (d.allowed ? '' : ': no policy allows this request')}.`,
    decidedBy: shown ? { name: shown.name, explanation: shown.explanation, remediation: shown.remediation } : null,
    // The reasons quote criteria of every policy that took part: shown only when the caller may read them all.
    reasons: allVisible
      ? [...d.reasons, ...notes]
      : ['Details are hidden: a policy of a namespace you cannot view took part.', ...notes],
    policies,
  };
}
