import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { mutate } from '@/lib/dal/mutation';
import { bearerCredential, hashCredential, newCredential } from '@/lib/dal/credentials';
import { authorizeGlobal } from '@/lib/dal/authz';
import { notFound } from '@/lib/dal/errors';
import { log } from '@/lib/log';

export interface ScimTokenRow {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

declare const scimCallerBrand: unique symbol;
/**
 * An IdP that presented a valid SCIM token. Only authenticateScimToken makes one, so a
 * function of lib/dal/scim.ts that takes it cannot be reached without a token.
 */
export interface ScimCaller {
  readonly tokenId: string;
  readonly name: string;
  readonly address: string | null;
  readonly [scimCallerBrand]: true;
}

// A recognizable prefix lets secret scanners find leaked tokens.
const PREFIX = 'postern_scim_';
const LAST_USED_RESOLUTION_MS = 60_000;

const rowSelect = { id: true, name: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

export async function listScimTokens(actor: Actor | null): Promise<ScimTokenRow[]> {
  await authorizeGlobal(actor, 'admin');
  return (await getPrisma()).scimToken.findMany({
    select: rowSelect,
    orderBy: [{ revokedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'desc' }],
    take: 200,
  });
}

/** The token is returned here once; only its SHA-256 is stored. */
export async function createScimToken(
  actor: Actor | null,
  name: string,
): Promise<{ id: string; name: string; token: string }> {
  const token = newCredential(PREFIX);
  const row = await mutate(async (m) => {
    const who = await authorizeGlobal(actor, 'admin', m.tx);
    const created = await m.tx.scimToken.create({
      data: { name, tokenHash: hashCredential(token) },
      select: rowSelect,
    });
    await m.record(who, {
      action: 'create',
      entityType: 'scim_token',
      entityId: created.id,
      namespaceId: 'global',
      after: created,
    });
    return created;
  });
  return { id: row.id, name: row.name, token };
}

/** Revoked tokens stop working at once (every SCIM request looks its token up). Revoking twice is harmless. */
export async function revokeScimToken(actor: Actor | null, id: string): Promise<void> {
  await mutate(async (m) => {
    const who = await authorizeGlobal(actor, 'admin', m.tx);
    const before = await m.tx.scimToken.findUnique({ where: { id }, select: rowSelect });
    if (!before) throw notFound('The SCIM token');
    if (before.revokedAt) return;
    const after = await m.tx.scimToken.update({ where: { id }, data: { revokedAt: new Date() }, select: rowSelect });
    await m.record(who, {
      action: 'update',
      entityType: 'scim_token',
      entityId: id,
      namespaceId: 'global',
      before,
      after,
    });
  });
}

/** The caller behind `Authorization: Bearer <token>`, or null for a missing, unknown or revoked token. */
/** `address` is the request's trusted client address, recorded with every change the caller makes. */
export async function authenticateScimToken(
  authorization: string | null,
  address: string | null = null,
): Promise<ScimCaller | null> {
  const token = bearerCredential(authorization);
  if (!token) return null;
  const prisma = await getPrisma();
  const row = await prisma.scimToken.findUnique({
    where: { tokenHash: hashCredential(token) },
    select: { id: true, name: true, lastUsedAt: true, revokedAt: true },
  });
  if (!row || row.revokedAt) return null;
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // Best effort: a failed timestamp write must not fail the provisioning request.
    await prisma.scimToken
      .updateMany({ where: { id: row.id, revokedAt: null }, data: { lastUsedAt: new Date(now) } })
      .catch((err: unknown) => log.warn({ err: (err as Error)?.message }, 'could not record SCIM token use'));
  }
  return { tokenId: row.id, name: row.name, address } as ScimCaller;
}
