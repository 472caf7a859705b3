import 'server-only';
import type { JWK } from 'jose';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { authorizeGlobal } from '@/lib/dal/authz';
import { mutate } from '@/lib/dal/mutation';
import type { Tx } from '@/lib/dal/epoch';
import { conflict, notFound } from '@/lib/dal/errors';
import { keyEncryptionKey } from '@/lib/secrets';
import {
  generateSigningKey,
  importSigningKey,
  importVerifyKey,
  openSecret,
  sealSecret,
  type Signer,
} from '@/lib/tokens';
import { GLOBAL_NAMESPACE_ID } from '@/lib/schemas/namespace';

export interface SigningKeyInfo {
  kid: string;
  createdAt: Date;
  retiredAt: Date | null;
  active: boolean;
}

async function insertKey(tx: Tx) {
  const pair = await generateSigningKey();
  await tx.signingKey.create({
    data: {
      kid: pair.kid,
      publicJwk: pair.publicJwk as object,
      privateSealed: sealSecret(JSON.stringify(pair.privateJwk), keyEncryptionKey()),
    },
  });
  return pair.kid;
}

/** The key new tokens are signed with: the newest one not retired, made on first use. */
export async function loadActiveSigner(): Promise<Signer> {
  const { kid, privateJwk } = await loadActiveSignerJwk();
  return { kid, key: await importSigningKey(privateJwk) };
}

/** The active key as a private JWK: only for sealing it to a verifier (lib/dal/verifier-feed.ts). */
export async function loadActiveSignerJwk(): Promise<{ kid: string; privateJwk: JWK }> {
  const prisma = await getPrisma();
  // The one read of a sealed private key: it opts in to the column every other query omits.
  let row = await prisma.signingKey.findFirst({
    where: { retiredAt: null },
    orderBy: { createdAt: 'desc' },
    omit: { privateSealed: false },
  });
  if (!row) {
    await mutate(async (m) => {
      // One key, even when two instances start signing at the same moment.
      await m.tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(4242002)');
      if (await m.tx.signingKey.count({ where: { retiredAt: null } })) return;
      const kid = await insertKey(m.tx);
      await m.record('system', {
        action: 'create',
        entityType: 'signing_key',
        entityId: kid,
        namespaceId: GLOBAL_NAMESPACE_ID,
        after: { kid },
      });
    });
    row = await prisma.signingKey.findFirst({
      where: { retiredAt: null },
      orderBy: { createdAt: 'desc' },
      omit: { privateSealed: false },
    });
  }
  if (!row) throw new Error('no signing key could be created');
  return { kid: row.kid, privateJwk: JSON.parse(openSecret(row.privateSealed, keyEncryptionKey())) as JWK };
}

/** Public keys of every key that still verifies (not retired). */
export async function loadVerifyKeys(): Promise<Map<string, CryptoKey>> {
  const rows = await (await getPrisma()).signingKey.findMany({
    where: { retiredAt: null },
    select: { kid: true, publicJwk: true },
  });
  const out = new Map<string, CryptoKey>();
  for (const r of rows) out.set(r.kid, await importVerifyKey(r.publicJwk as JWK));
  return out;
}

/** The JWKS document: public on purpose, so anyone can check a signature offline. */
export async function loadPublicJwks(): Promise<JWK[]> {
  const rows = await (await getPrisma()).signingKey.findMany({
    where: { retiredAt: null },
    orderBy: { createdAt: 'asc' },
    select: { publicJwk: true },
  });
  return rows.map((r) => r.publicJwk as JWK);
}

export async function listSigningKeys(actor: Actor | null): Promise<SigningKeyInfo[]> {
  await authorizeGlobal(actor, 'admin');
  const rows = await (await getPrisma()).signingKey.findMany({
    orderBy: { createdAt: 'desc' },
    select: { kid: true, createdAt: true, retiredAt: true },
  });
  const activeKid = rows.find((r) => !r.retiredAt)?.kid;
  return rows.map((r) => ({ ...r, active: r.kid === activeKid }));
}

/** Adds a new signing key; older keys keep verifying until they are retired. */
export async function rotateSigningKey(actor: Actor | null): Promise<string> {
  const who = await authorizeGlobal(actor, 'admin');
  return mutate(async (m) => {
    const k = await insertKey(m.tx);
    await m.record(who, {
      action: 'create',
      entityType: 'signing_key',
      entityId: k,
      namespaceId: GLOBAL_NAMESPACE_ID,
      after: { kid: k },
    });
    return k;
  });
}

/** Retires a key: tokens it signed stop verifying at once. The newest key cannot be retired. */
export async function retireSigningKey(actor: Actor | null, kid: string): Promise<void> {
  const who = await authorizeGlobal(actor, 'admin');
  await mutate(async (m) => {
    const keys = await m.tx.signingKey.findMany({
      where: { retiredAt: null },
      orderBy: { createdAt: 'desc' },
      select: { kid: true },
    });
    if (!keys.some((k) => k.kid === kid)) throw notFound('The signing key');
    if (keys[0]?.kid === kid)
      throw conflict('This is the key new tokens are signed with. Rotate first, then retire the older key.');
    const retiredAt = new Date();
    await m.tx.signingKey.update({ where: { kid }, data: { retiredAt } });
    await m.record(who, {
      action: 'update',
      entityType: 'signing_key',
      entityId: kid,
      namespaceId: GLOBAL_NAMESPACE_ID,
      before: { kid, retiredAt: null },
      after: { kid, retiredAt },
    });
  });
}
