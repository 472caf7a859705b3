import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { mutate } from '@/lib/dal/mutation';
import { authorizeGlobal } from '@/lib/dal/authz';
import { notFound } from '@/lib/dal/errors';
import { bearerCredential, hashCredential, newCredential } from '@/lib/dal/credentials';
import { log } from '@/lib/log';

/** A verifier as the Verifiers page lists it. */
export interface VerifierRow {
  id: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastSeenAt: Date | null;
  lastAddress: string | null;
  stateVersion: string | null;
}

declare const verifierBrand: unique symbol;
/** A verifier that presented a valid credential; only authenticateVerifier makes one. */
export interface VerifierCaller {
  readonly id: string;
  readonly name: string;
  readonly [verifierBrand]: true;
}

const PREFIX = 'postern_verifier_';
/** Last contact is written at most this often per verifier. */
const CONTACT_RESOLUTION_MS = 5_000;

const rowSelect = {
  id: true,
  name: true,
  createdAt: true,
  revokedAt: true,
  lastSeenAt: true,
  lastAddress: true,
  stateVersion: true,
} as const;

type Selected = { stateVersion: bigint | null } & Omit<VerifierRow, 'stateVersion'>;
const toRow = (r: Selected): VerifierRow => ({ ...r, stateVersion: r.stateVersion?.toString() ?? null });
const forHistory = (r: Selected) => ({ name: r.name, createdAt: r.createdAt, revokedAt: r.revokedAt });

export async function listVerifiers(actor: Actor | null): Promise<VerifierRow[]> {
  await authorizeGlobal(actor, 'admin');
  const rows = await (await getPrisma()).verifier.findMany({
    select: rowSelect,
    orderBy: [{ revokedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'desc' }],
    take: 200,
  });
  return rows.map(toRow);
}

/** The credential is returned here once; only its SHA-256 is stored. */
export async function createVerifier(
  actor: Actor | null,
  name: string,
): Promise<{ id: string; name: string; credential: string }> {
  const credential = newCredential(PREFIX);
  const row = await mutate(async (m) => {
    const who = await authorizeGlobal(actor, 'admin', m.tx);
    const created = await m.tx.verifier.create({
      data: { name, credentialHash: hashCredential(credential) },
      select: rowSelect,
    });
    await m.record(who, {
      action: 'create',
      entityType: 'verifier',
      entityId: created.id,
      namespaceId: 'global',
      after: forHistory(created),
    });
    return created;
  });
  return { id: row.id, name: row.name, credential };
}

/**
 * A revoked credential is refused at once: every snapshot and stream request looks it
 * up, and open streams check it at each heartbeat. Revoking twice is harmless.
 */
export async function revokeVerifier(actor: Actor | null, id: string): Promise<void> {
  await mutate(async (m) => {
    const who = await authorizeGlobal(actor, 'admin', m.tx);
    const before = await m.tx.verifier.findUnique({ where: { id }, select: rowSelect });
    if (!before) throw notFound('The verifier');
    if (before.revokedAt) return;
    const after = await m.tx.verifier.update({ where: { id }, data: { revokedAt: new Date() }, select: rowSelect });
    await m.record(who, {
      action: 'update',
      entityType: 'verifier',
      entityId: id,
      namespaceId: 'global',
      before: forHistory(before),
      after: forHistory(after),
    });
  });
}

/** The verifier behind `Authorization: Bearer <credential>`, or null for a missing, unknown or revoked one. */
export async function authenticateVerifier(authorization: string | null): Promise<VerifierCaller | null> {
  const credential = bearerCredential(authorization);
  if (!credential) return null;
  const row = await (await getPrisma()).verifier.findUnique({
    where: { credentialHash: hashCredential(credential) },
    select: { id: true, name: true, revokedAt: true },
  });
  if (!row || row.revokedAt) return null;
  return { id: row.id, name: row.name } as VerifierCaller;
}

/** Whether the verifier may still follow the state (not revoked meanwhile). */
export async function verifierActive(caller: VerifierCaller): Promise<boolean> {
  const row = await (await getPrisma()).verifier.findUnique({ where: { id: caller.id }, select: { revokedAt: true } });
  return !!row && !row.revokedAt;
}

const lastWrite = new Map<string, number>();

/** Records the verifier's last contact and state version (best effort, at most every few seconds). */
export async function recordVerifierContact(
  caller: VerifierCaller,
  version: bigint,
  address: string | null,
  force = false,
): Promise<void> {
  const now = Date.now();
  if (!force && now - (lastWrite.get(caller.id) ?? 0) < CONTACT_RESOLUTION_MS) return;
  lastWrite.set(caller.id, now);
  await (await getPrisma()).verifier
    .updateMany({
      where: { id: caller.id, revokedAt: null },
      data: { lastSeenAt: new Date(now), stateVersion: version, lastAddress: address },
    })
    .catch((err: unknown) => log.warn({ err: (err as Error)?.message }, 'could not record verifier contact'));
}
