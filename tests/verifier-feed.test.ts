// What verifiers follow: the change log written with every state version, and the deltas
// and snapshots built from it (lib/dal/verifier-feed.ts), on both databases.
import { beforeAll, describe, expect, it } from 'vitest';
import { compactDecrypt, exportJWK, generateKeyPair, type JWK } from 'jose';
import { deltaSince, loadSnapshotText, sealedKeys } from '@/lib/dal/verifier-feed';
import { readEpoch } from '@/lib/dal/verify-store';
import { revokeServiceAccount, setServiceAccountDisabled } from '@/lib/dal/service-accounts';
import { rotateSigningKey } from '@/lib/dal/signing-keys';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { parseSnapshot } from '@/lib/verifier/protocol';
import { makeAdmin } from './support/actors';
import { newAccount, newPolicy } from './support/builders';

let admin: Actor;
let verifierKey: JWK;
let privateKey: CryptoKey;
beforeAll(async () => {
  admin = await makeAdmin();
  const pair = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
  privateKey = pair.privateKey;
  verifierKey = await exportJWK(pair.publicKey);
});

async function deltaAfter(change: () => Promise<unknown>) {
  const before = await readEpoch();
  await change();
  const d = await deltaSince(before);
  if (!d || d === 'reset') throw new Error(`expected a delta, got ${d}`);
  return d;
}

describe('deltas', () => {
  it('a disable carries the account as it now is, and nothing else', async () => {
    const { account } = await newAccount(admin, 'global');
    const d = await deltaAfter(() => setServiceAccountDisabled(admin, account.id, true));
    expect(d.keysChanged).toBe(false);
    expect(d.delta.routes).toBeUndefined();
    expect(d.delta.accounts?.upsert).toEqual([expect.objectContaining({ id: account.id, disabled: true })]);
    expect(BigInt(d.delta.version)).toBe(await readEpoch());
  });

  it('a revoke removes the account', async () => {
    const { account } = await newAccount(admin, 'global');
    const d = await deltaAfter(() => revokeServiceAccount(admin, account.id));
    expect(d.delta.accounts).toEqual({ upsert: [], remove: [account.id] });
  });

  it('a policy change carries the route table', async () => {
    const d = await deltaAfter(() => newPolicy(admin, 'global', 'allow:\n  or:\n    - accept: true\n'));
    expect(d.delta.routes?.policies.length).toBeGreaterThan(0);
    expect(d.delta.accounts).toBeUndefined();
  });

  it('a key rotation asks for the keys, sealed to the verifier alone', async () => {
    const d = await deltaAfter(() => rotateSigningKey(admin));
    expect(d.keysChanged).toBe(true);
    const keys = await sealedKeys(verifierKey);
    const { plaintext } = await compactDecrypt(keys.signer, privateKey);
    const { kid, privateJwk } = JSON.parse(new TextDecoder().decode(plaintext)) as { kid: string; privateJwk: JWK };
    expect(keys.publicJwks.map((k) => k.kid)).toContain(kid);
    expect(privateJwk.d).toBeTruthy();
    expect(keys.signer).not.toContain(privateJwk.d!);
  });

  it('several changes in one delta; none when nothing changed', async () => {
    const a = await newAccount(admin, 'global');
    const b = await newAccount(admin, 'global');
    const before = await readEpoch();
    await setServiceAccountDisabled(admin, a.account.id, true);
    await revokeServiceAccount(admin, b.account.id);
    const d = await deltaSince(before);
    expect(d).not.toBe('reset');
    expect(d && d !== 'reset' && d.delta.accounts).toEqual({
      upsert: [expect.objectContaining({ id: a.account.id, disabled: true })],
      remove: [b.account.id],
    });
    expect(await deltaSince(await readEpoch())).toBeNull();
  });

  it('a verifier further behind than the log reloads the snapshot', async () => {
    const before = await readEpoch();
    await newAccount(admin, 'global');
    await (await getPrisma()).$executeRaw`DELETE FROM state_changes WHERE version = ${before + 1n}`;
    expect(await deltaSince(before)).toBe('reset');
  });
});

describe('snapshot', () => {
  it('holds every account, the routes and the keys at a version', async () => {
    const { account } = await newAccount(admin, 'global', { expiration: '30' });
    const { version, text } = await loadSnapshotText(verifierKey);
    const s = await parseSnapshot(text);
    expect(BigInt(s.version)).toBe(version);
    const mine = s.accounts.find((x) => x.id === account.id);
    expect(mine).toMatchObject({
      userId: account.userId,
      namespaceId: 'global',
      disabled: false,
      email: null,
      groups: [],
    });
    expect(mine!.expiresAt).toBeGreaterThan(Date.now());
    expect(s.routes.namespaces.length).toBeGreaterThan(0);
    expect(s.keys.publicJwks.length).toBeGreaterThan(0);
  });
});
