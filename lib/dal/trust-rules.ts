import 'server-only';
import type { z } from 'zod';
import { getPrisma } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { Actor } from '@/lib/dal/actor';
import { authorize } from '@/lib/dal/authz';
import { about } from '@/lib/dal/audit';
import { mutate } from '@/lib/dal/mutation';
import { invalid, notFound } from '@/lib/dal/errors';
import { namespaceTree, pathTo } from '@/lib/dal/namespaces';
import { describeClaimCondition, parseClaimConditions, type ClaimCondition } from '@/lib/policy';
import { conditionsOf, type addTrustRuleSchema } from '@/lib/schemas/trust-rule';

export interface TrustRuleRow {
  id: string;
  serviceAccountId: string;
  issuer: { id: string; name: string; issuerUrl: string; audience: string; namespaceName: string };
  description: string;
  conditions: ClaimCondition[];
  /** Each condition as the console shows it: `repository is "acme/api"`. */
  described: string[];
  maxLifetimeSec: number;
  /** What an exchanged token lives at most: the shorter of the rule's and the issuer's limit. */
  effectiveLifetimeSec: number;
  createdAt: Date;
}

const rowSelect = {
  id: true,
  serviceAccountId: true,
  description: true,
  conditions: true,
  maxLifetimeSec: true,
  createdAt: true,
  issuer: {
    select: {
      id: true,
      name: true,
      issuerUrl: true,
      audience: true,
      maxLifetimeSec: true,
      namespace: { select: { name: true } },
    },
  },
} satisfies Prisma.TrustRuleSelect;

type Selected = Prisma.TrustRuleGetPayload<{ select: typeof rowSelect }>;

function toRow(r: Selected): TrustRuleRow {
  const conditions = parseClaimConditions(r.conditions);
  const { namespace, maxLifetimeSec: issuerMax, ...issuer } = r.issuer;
  return {
    id: r.id,
    serviceAccountId: r.serviceAccountId,
    issuer: { ...issuer, namespaceName: namespace.name },
    description: r.description,
    conditions,
    described: conditions.map(describeClaimCondition),
    maxLifetimeSec: r.maxLifetimeSec,
    effectiveLifetimeSec: Math.min(r.maxLifetimeSec, issuerMax),
    createdAt: r.createdAt,
  };
}

const auditView = (r: TrustRuleRow) => ({
  serviceAccountId: r.serviceAccountId,
  issuer: { id: r.issuer.id, name: r.issuer.name, issuerUrl: r.issuer.issuerUrl, audience: r.issuer.audience },
  description: r.description,
  conditions: r.described,
  maxLifetimeSec: r.maxLifetimeSec,
});

async function accountNamespace(db: Pick<Awaited<ReturnType<typeof getPrisma>>, 'serviceAccount'>, id: string) {
  const a = await db.serviceAccount.findUnique({ where: { id }, select: { namespaceId: true } });
  if (!a) throw notFound('The service account');
  return a.namespaceId;
}

export async function listTrustRules(actor: Actor | null, serviceAccountId: string): Promise<TrustRuleRow[]> {
  const prisma = await getPrisma();
  await authorize(actor, await accountNamespace(prisma, serviceAccountId), 'viewer');
  const rows = await prisma.trustRule.findMany({
    where: { serviceAccountId },
    select: rowSelect,
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map(toRow);
}

/**
 * Lets tokens of a trusted issuer whose claims meet every condition be exchanged for this
 * account's tokens. The issuer must be trusted in the account's namespace or an ancestor.
 * Admin only: a rule hands the account's access to whoever the platform vouches for.
 */
export async function addTrustRule(
  actor: Actor | null,
  input: z.output<typeof addTrustRuleSchema>,
): Promise<TrustRuleRow> {
  const conditions = conditionsOf(input.conditions);
  return mutate(
    async (m) => {
      const namespaceId = await accountNamespace(m.tx, input.serviceAccountId);
      const who = await authorize(actor, namespaceId, 'admin', m.tx);
      const issuer = await m.tx.trustedIssuer.findUnique({
        where: { id: input.issuerId },
        select: { namespaceId: true },
      });
      const lineage = pathTo(await namespaceTree(m.tx), namespaceId).map((n) => n.id);
      if (!issuer || !lineage.includes(issuer.namespaceId)) {
        const message = 'Choose an issuer trusted in this namespace or above it.';
        throw invalid(message, { issuerId: [message] });
      }
      const created = toRow(
        await m.tx.trustRule.create({
          data: {
            serviceAccountId: input.serviceAccountId,
            issuerId: input.issuerId,
            description: input.description,
            conditions: conditions as unknown as object,
            maxLifetimeSec: Number(input.maxLifetime),
          },
          select: rowSelect,
        }),
      );
      await m.record(who, about('trust_rule', created.id, namespaceId).created(auditView(created)));
      return created;
    },
    { foreignKey: notFound('The service account or the issuer') },
  );
}

export async function removeTrustRule(actor: Actor | null, id: string): Promise<void> {
  await mutate(async (m) => {
    const before = await m.tx.trustRule.findUnique({
      where: { id },
      select: { ...rowSelect, serviceAccount: { select: { namespaceId: true } } },
    });
    if (!before) throw notFound('The trust rule');
    const who = await authorize(actor, before.serviceAccount.namespaceId, 'admin', m.tx);
    await m.tx.trustRule.delete({ where: { id } });
    await m.record(who, about('trust_rule', id, before.serviceAccount.namespaceId).deleted(auditView(toRow(before))));
  });
}
