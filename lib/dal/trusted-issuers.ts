import 'server-only';
import type { z } from 'zod';
import { getPrisma } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { Actor } from '@/lib/dal/actor';
import { authorize } from '@/lib/dal/authz';
import { about } from '@/lib/dal/audit';
import { mutate } from '@/lib/dal/mutation';
import { conflict, invalid, notFound } from '@/lib/dal/errors';
import { namespaceTree, pathTo } from '@/lib/dal/namespaces';
import { config } from '@/lib/config';
import { issuerUrlProblem } from '@/lib/federation/external-token';
import type { IssuerKind } from '@/lib/federation/presets';
import type { addTrustedIssuerSchema } from '@/lib/schemas/trusted-issuer';

export interface TrustedIssuerRow {
  id: string;
  namespaceId: string;
  namespaceName: string;
  name: string;
  kind: IssuerKind;
  issuerUrl: string;
  audience: string;
  jwksUrl: string | null;
  maxLifetimeSec: number;
  createdAt: Date;
  /** Trust rules that use it, across the namespace and its descendants. */
  ruleCount: number;
  /** Added in an ancestor namespace: it applies here, and is changed there. */
  inherited: boolean;
}

const rowSelect = {
  id: true,
  namespaceId: true,
  name: true,
  kind: true,
  issuerUrl: true,
  audience: true,
  jwksUrl: true,
  maxLifetimeSec: true,
  createdAt: true,
  namespace: { select: { name: true } },
  _count: { select: { rules: true } },
} satisfies Prisma.TrustedIssuerSelect;

type Selected = Prisma.TrustedIssuerGetPayload<{ select: typeof rowSelect }>;

const toRow = ({ namespace, _count, kind, ...i }: Selected, here: string): TrustedIssuerRow => ({
  ...i,
  kind: kind as IssuerKind,
  namespaceName: namespace.name,
  ruleCount: _count.rules,
  inherited: i.namespaceId !== here,
});

/** What the history keeps of an issuer. */
const auditView = (i: Pick<Selected, 'name' | 'kind' | 'issuerUrl' | 'audience' | 'jwksUrl' | 'maxLifetimeSec'>) => ({
  name: i.name,
  kind: i.kind,
  issuerUrl: i.issuerUrl,
  audience: i.audience,
  jwksUrl: i.jwksUrl,
  maxLifetimeSec: i.maxLifetimeSec,
});

/** The namespace and its ancestors: the issuers added there apply to accounts in it. */
async function lineage(namespaceId: string): Promise<string[]> {
  return pathTo(await namespaceTree(), namespaceId).map((n) => n.id);
}

/** Issuers that apply in a namespace: its own and its ancestors', nearest first. */
export async function listTrustedIssuers(actor: Actor | null, namespaceId: string): Promise<TrustedIssuerRow[]> {
  await authorize(actor, namespaceId, 'viewer');
  const ids = await lineage(namespaceId);
  const rows = await (await getPrisma()).trustedIssuer.findMany({
    where: { namespaceId: { in: ids } },
    select: rowSelect,
    orderBy: [{ name: 'asc' }, { createdAt: 'asc' }],
  });
  const depth = new Map(ids.map((id, i) => [id, i]));
  return rows
    .map((r) => toRow(r, namespaceId))
    .sort((a, b) => (depth.get(b.namespaceId) ?? 0) - (depth.get(a.namespaceId) ?? 0));
}

export async function addTrustedIssuer(
  actor: Actor | null,
  input: z.output<typeof addTrustedIssuerSchema>,
): Promise<TrustedIssuerRow> {
  const policy = { allowHttpLocalhost: config.federationAllowHttpLocalhost };
  const urlProblem = issuerUrlProblem(input.issuerUrl, policy);
  if (urlProblem) throw invalid(urlProblem, { issuerUrl: [urlProblem] });
  const jwksProblem = input.jwksUrl ? issuerUrlProblem(input.jwksUrl, policy) : null;
  if (jwksProblem) throw invalid(jwksProblem, { jwksUrl: [jwksProblem] });
  return mutate(
    async (m) => {
      const who = await authorize(actor, input.namespaceId, 'admin', m.tx);
      const created = await m.tx.trustedIssuer.create({
        data: {
          namespaceId: input.namespaceId,
          name: input.name,
          kind: input.kind,
          issuerUrl: input.issuerUrl,
          audience: input.audience,
          jwksUrl: input.jwksUrl || null,
          maxLifetimeSec: Number(input.maxLifetime),
        },
        select: rowSelect,
      });
      await m.record(who, about('trusted_issuer', created.id, created.namespaceId).created(auditView(created)));
      return toRow(created, input.namespaceId);
    },
    {
      unique: conflict('This namespace already trusts that issuer with that audience.', {
        audience: ['This issuer is already trusted here with this audience.'],
      }),
      foreignKey: notFound('The namespace'),
    },
  );
}

/** Removes the issuer and every trust rule that uses it: its tokens are no longer exchanged. */
export async function removeTrustedIssuer(actor: Actor | null, id: string): Promise<void> {
  await mutate(async (m) => {
    const before = await m.tx.trustedIssuer.findUnique({
      where: { id },
      select: {
        ...rowSelect,
        rules: { select: { id: true, serviceAccountId: true, serviceAccount: { select: { namespaceId: true } } } },
      },
    });
    if (!before) throw notFound('The trusted issuer');
    const who = await authorize(actor, before.namespaceId, 'admin', m.tx);
    await m.tx.trustedIssuer.delete({ where: { id } });
    for (const r of before.rules)
      await m.record(
        who,
        about('trust_rule', r.id, r.serviceAccount.namespaceId).deleted({
          serviceAccountId: r.serviceAccountId,
          issuer: before.name,
          reason: 'its trusted issuer was removed',
        }),
      );
    await m.record(who, about('trusted_issuer', id, before.namespaceId).deleted(auditView(before)));
  });
}
