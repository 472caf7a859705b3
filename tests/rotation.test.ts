// Rotation with a grace period: the old token works during the grace and not after, at most
// two generations work at once, revoke and disable end both. Times after "now" are checked
// with the engine's clock (`check(get, now)`), never by sleeping.
import { describe, it, expect, beforeAll } from 'vitest';
import { SignJWT, decodeJwt } from 'jose';
import { createServiceAccount, revokeServiceAccount, setServiceAccountDisabled } from '@/lib/dal/service-accounts';
import { rotateServiceAccount } from '@/lib/dal/rotation';
import { createDirectoryUser } from '@/lib/dal/directory';
import { listHistory } from '@/lib/dal/history';
import { loadAccountState } from '@/lib/dal/verify-store';
import { createNamespace } from '@/lib/dal/namespaces';
import { rotateServiceAccountSchema } from '@/lib/schemas/rotation';
import { verifyEngine } from '@/lib/verify/console';
import { config } from '@/lib/config';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin, makeUserWithRole } from './support/actors';
import { failure, uid } from './support/helpers';
import { accountInput, newAccount } from './support/builders';
import { pomerium, verify } from './support/verify';

const HOUR = 3_600_000;
let admin: Actor;
beforeAll(async () => {
  admin = await makeAdmin();
});

const rotation = (id: string, over: Record<string, unknown> = {}) =>
  rotateServiceAccountSchema.parse({ id, expiration: 'never', grace: '24h', ...over });
const rotate = (id: string, over: Record<string, unknown> = {}, now?: Date) =>
  rotateServiceAccount(admin, rotation(id, over), { now });

/** The token-only decision at a given instant: 'ok' or the 401 error. */
async function at(token: string, now: number): Promise<string> {
  const r = await verifyEngine.check((name) => (name === 'authorization' ? `Pomerium ${token}` : null), now);
  return r.ok ? 'ok' : r.error;
}
const answer = async (token: string) => {
  const res = await verify(pomerium(token));
  return res.status === 200 ? 'ok' : String(res.body?.error);
};

describe('rotating a service account', () => {
  it('issues a new token of the next generation, and the old one works during the grace, not after', async () => {
    const { account, token: old } = await newAccount(admin, 'global');
    expect(decodeJwt(old).gen).toBe(1);
    const t0 = Date.now();
    const { account: rotated, token: fresh } = await rotate(account.id, { grace: '1h' });
    expect(decodeJwt(fresh)).toMatchObject({ gen: 2, sub: account.userId, jti: account.id });
    expect(rotated.generation).toBe(2);
    expect(rotated.previousValidUntil!.getTime() - t0).toBeGreaterThanOrEqual(HOUR - 1000);
    expect(rotated.previousValidUntil!.getTime() - t0).toBeLessThanOrEqual(HOUR + 5000);
    // Now, through the endpoint: both work.
    expect(await answer(old)).toBe('ok');
    expect(await answer(fresh)).toBe('ok');
    // Later, with no change to the account in between: the old one stops at the grace end.
    const end = rotated.previousValidUntil!.getTime();
    expect(await at(old, end - 1000)).toBe('ok');
    expect(await at(old, end)).toBe('revoked');
    expect(await at(old, end + 7 * 24 * HOUR)).toBe('revoked');
    expect(await at(fresh, end + 7 * 24 * HOUR)).toBe('ok');
  });

  it('with a grace that ended (a rotation two hours ago, one hour of grace), only the new token works', async () => {
    const { account, token: old } = await newAccount(admin, 'global');
    const { token: fresh } = await rotate(account.id, { grace: '1h' }, new Date(Date.now() - 2 * HOUR));
    expect(await answer(old)).toBe('revoked');
    expect(await answer(fresh)).toBe('ok');
  });

  it('with no grace, the old token stops at once', async () => {
    const { account, token: old } = await newAccount(admin, 'global');
    expect(await answer(old)).toBe('ok');
    const { account: rotated, token: fresh } = await rotate(account.id, { grace: 'none' });
    expect(rotated.previousValidUntil).toBeNull();
    expect(await answer(old)).toBe('revoked');
    expect(await answer(fresh)).toBe('ok');
  });

  it('keeps at most two generations valid: a second rotation ends the oldest at once', async () => {
    const { account, token: first } = await newAccount(admin, 'global');
    const { token: second } = await rotate(account.id, { grace: '7d' });
    const { token: third } = await rotate(account.id, { grace: '7d' });
    expect([first, second, third].map((t) => decodeJwt(t).gen)).toEqual([1, 2, 3]);
    expect(await Promise.all([first, second, third].map(answer))).toEqual(['revoked', 'ok', 'ok']);
  });

  it('revoke ends both tokens at once', async () => {
    const { account, token: old } = await newAccount(admin, 'global');
    const { token: fresh } = await rotate(account.id, { grace: '7d' });
    expect([await answer(old), await answer(fresh)]).toEqual(['ok', 'ok']);
    await revokeServiceAccount(admin, account.id);
    expect([await answer(old), await answer(fresh)]).toEqual(['revoked', 'revoked']);
  });

  it('disable ends both; enabling brings back only the current token', async () => {
    const { account, token: old } = await newAccount(admin, 'global');
    const { token: fresh } = await rotate(account.id, { grace: '7d' });
    await setServiceAccountDisabled(admin, account.id, true);
    expect([await answer(old), await answer(fresh)]).toEqual(['disabled', 'disabled']);
    await setServiceAccountDisabled(admin, account.id, false);
    expect([await answer(old), await answer(fresh)]).toEqual(['revoked', 'ok']);
  });

  it('keeps tokens issued before generations existed working: they count as the first', async () => {
    const { account } = await newAccount(admin, 'global');
    // A token as the console signed them before: the same claims, no `gen`.
    const signer = await verifyEngine.activeSigner();
    const legacy = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: 'JWT' })
      .setIssuer(config.publicUrl)
      .setAudience(config.tokenAudience)
      .setSubject(account.userId)
      .setJti(account.id)
      .setIssuedAt()
      .setNotBefore(Math.floor(Date.now() / 1000))
      .sign(signer.key);
    expect(await answer(legacy)).toBe('ok');
    const { account: rotated } = await rotate(account.id, { grace: '1h' });
    expect(await answer(legacy)).toBe('ok');
    expect(await at(legacy, rotated.previousValidUntil!.getTime())).toBe('revoked');
  });

  it('gives the new token the expiry chosen, and renews an expired account', async () => {
    const { account, token: old } = await newAccount(admin, 'global', {
      expiration: 'custom',
      customExpiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(await at(old, Date.now() + 120_000)).toBe('expired');
    const { account: renewed, token } = await rotate(account.id, { expiration: '30', grace: '7d' });
    const exp = decodeJwt(token).exp! * 1000;
    expect(exp).toBe(Math.floor(renewed.expiresAt!.getTime() / 1000) * 1000);
    expect((exp - Date.now()) / 86_400_000).toBeGreaterThan(29.9);
    // The old token's own expiry still holds during the grace.
    expect(await at(old, Date.now() + 120_000)).toBe('expired');
    expect(await at(token, Date.now() + 120_000)).toBe('ok');
  });

  it('refuses to rotate a revoked account', async () => {
    const { account } = await newAccount(admin, 'global');
    await revokeServiceAccount(admin, account.id);
    const err = await failure(rotate(account.id));
    expect(err.code).toBe('not_found');
  });

  it('needs Manager, and Admin for an impersonating account (as creating one does)', async () => {
    const ns = await createNamespace(admin, 'global', `rot-${uid()}`);
    const viewer = await makeUserWithRole(ns.id, 'viewer');
    const manager = await makeUserWithRole(ns.id, 'manager');
    const { account } = await newAccount(admin, ns.id);
    expect((await failure(rotateServiceAccount(viewer, rotation(account.id)))).code).toBe('forbidden');
    expect((await rotateServiceAccount(manager, rotation(account.id))).account.generation).toBe(2);
    const dirId = `dir-${uid()}`;
    await createDirectoryUser(admin, { id: dirId, email: `${dirId}@corp.example`, name: 'Dir', groups: [] });
    const { account: imp } = await createServiceAccount(
      admin,
      accountInput(ns.id, { kind: 'impersonate', userId: undefined, directoryUserId: dirId }),
    );
    expect((await failure(rotateServiceAccount(manager, rotation(imp.id)))).code).toBe('forbidden');
    expect((await loadAccountState(imp.id))?.generation).toBe(1);
  });

  it('of two rotations at once, never two tokens of one generation', async () => {
    const { account } = await newAccount(admin, 'global');
    const results = await Promise.allSettled([rotate(account.id), rotate(account.id)]);
    const tokens = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.token] : []));
    expect(tokens.length).toBeGreaterThanOrEqual(1);
    const gens = tokens.map((t) => decodeJwt(t).gen);
    expect(new Set(gens).size).toBe(gens.length);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as Error).message).toMatch(/rotated this account at the same time/);
  });

  it('is recorded in the Change History (generations and grace, never the token), and reaches the verify state', async () => {
    const { account } = await newAccount(admin, 'global');
    const { token, account: rotated } = await rotate(account.id, { grace: '24h' });
    const { entries } = await listHistory(admin, { entityType: 'service_account' });
    const entry = entries.find((e) => e.entityId === account.id && e.action === 'update')!;
    expect(entry.actorEmail).toBe(admin.email);
    expect(entry.before).toMatchObject({ generation: 1, previousValidUntil: null });
    expect(entry.after).toMatchObject({
      generation: 2,
      previousValidUntil: rotated.previousValidUntil!.toISOString(),
      rotated: { grace: '24h' },
    });
    expect(JSON.stringify(entry)).not.toContain(token.split('.')[2]);
    expect(await loadAccountState(account.id)).toMatchObject({
      generation: 2,
      previousValidUntil: rotated.previousValidUntil!.getTime(),
    });
  });
});
