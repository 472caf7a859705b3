import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { about } from '@/lib/dal/audit';
import { atLeast, authorizeAnyRole, effectiveRoles, ROLES, type Role } from '@/lib/dal/authz';
import { hashCredential, newCredential } from '@/lib/dal/credentials';
import { forbidden, invalid, notFound, unauthorized } from '@/lib/dal/errors';
import { mutate } from '@/lib/dal/mutation';
import { API_KEY_PREFIX, type createApiKeySchema } from '@/lib/schemas/api-key';
import type { z } from 'zod';

// Personal REST API keys. A key acts as its owner with every role capped at the key's
// role cap (lib/dal/authz.ts); it is shown once at creation, only its SHA-256 is kept.
// Keys are install-wide records: their history entries belong to Global (no namespace).

export interface ApiKeyRow {
  id: string;
  name: string;
  roleCap: Role;
  expiresAt: Date | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export const apiKeySelect = {
  id: true,
  name: true,
  roleCap: true,
  expiresAt: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

type Selected = Omit<ApiKeyRow, 'roleCap'> & { roleCap: string };
const toRow = (r: Selected): ApiKeyRow => ({ ...r, roleCap: r.roleCap as Role });

/** API keys belong to console users; a service account acting through the API has none. */
function owner(actor: Actor | null | undefined): Actor {
  if (!actor) throw unauthorized();
  if (actor.serviceAccount) throw forbidden('manage API keys as a service account');
  return actor;
}

/** The caller's own keys, active ones first, newest first. */
export async function listApiKeys(actor: Actor | null): Promise<ApiKeyRow[]> {
  const who = owner(actor);
  const rows = await (await getPrisma()).apiKey.findMany({
    where: { userId: who.userId },
    select: apiKeySelect,
    orderBy: [{ revokedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'desc' }, { id: 'asc' }],
    take: 500,
  });
  return rows.map(toRow);
}

/** The caller's strongest role anywhere (an API key's own cap already applied). */
export async function highestRole(actor: Actor, db?: Parameters<typeof effectiveRoles>[1]): Promise<Role | null> {
  const roles = await effectiveRoles(actor, db);
  let best: Role | null = null;
  for (const r of roles.values()) if (r && !atLeast(best, r)) best = r;
  return best;
}

/**
 * Creates a key for the caller; the key is returned here once and never again. The role
 * cap may not exceed the caller's strongest role (through an API key: that key's cap).
 */
export async function createApiKey(
  actor: Actor | null,
  input: z.output<typeof createApiKeySchema>,
): Promise<{ apiKey: ApiKeyRow; key: string }> {
  const who = owner(actor);
  await authorizeAnyRole(who);
  const key = newCredential(API_KEY_PREFIX);
  const row = await mutate(async (m) => {
    const best = await highestRole(who, m.tx);
    if (!best) throw forbidden('create API keys until an administrator grants you a role');
    if (!atLeast(best, input.roleCap)) {
      const allowed = ROLES.filter((r) => atLeast(best, r)).join(', ');
      throw invalid('The role cap is higher than your own role.', {
        roleCap: [`Choose a role no higher than your own (${allowed}).`],
      });
    }
    const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
    const created = await m.tx.apiKey.create({
      data: { userId: who.userId, name: input.name, roleCap: input.roleCap, expiresAt, keyHash: hashCredential(key) },
      select: apiKeySelect,
    });
    await m.record(
      who,
      about('api_key', created.id, null).created({
        owner: who.email,
        name: created.name,
        roleCap: created.roleCap,
        expiresAt: created.expiresAt,
      }),
    );
    return created;
  });
  return { apiKey: toRow(row), key };
}

/** Revokes one of the caller's keys; it stops working at once (every API request looks its key up). Twice is harmless. */
export async function revokeApiKey(actor: Actor | null, id: string): Promise<ApiKeyRow> {
  const who = owner(actor);
  return mutate(async (m) => {
    const before = await m.tx.apiKey.findFirst({ where: { id, userId: who.userId }, select: apiKeySelect });
    if (!before) throw notFound('The API key');
    if (before.revokedAt) return toRow(before);
    const after = await m.tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() }, select: apiKeySelect });
    await m.record(
      who,
      about('api_key', id, null).updated(
        { owner: who.email, name: before.name, revokedAt: null },
        { owner: who.email, name: after.name, revokedAt: after.revokedAt },
      ),
    );
    return toRow(after);
  });
}
