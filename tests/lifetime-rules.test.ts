// Lifetime rules per namespace: the strictest along the path wins, creation and rotation
// outside the rule are refused on the field that chose the expiry, and the daily job
// disables accounts unused for N days.
import { describe, it, expect, beforeAll } from 'vitest';
import { createServiceAccount, listServiceAccounts, setServiceAccountDisabled } from '@/lib/dal/service-accounts';
import { rotateServiceAccount } from '@/lib/dal/rotation';
import { getLifetimeRules, lifetimeRulesBelow, setLifetimeRule } from '@/lib/dal/lifetime-rules';
import { createNamespace } from '@/lib/dal/namespaces';
import { listHistory } from '@/lib/dal/history';
import { recordAccessed } from '@/lib/dal/verify-store';
import { runAutoDisableOnce } from '@/lib/jobs/auto-disable';
import { rotateServiceAccountSchema } from '@/lib/schemas/rotation';
import { disabledReasonText, lifetimeRuleSchema } from '@/lib/schemas/lifetime-rule';
import { getPrisma } from '@/lib/db';
import { verifyEngine } from '@/lib/verify/console';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin, makeUserWithRole } from './support/actors';
import { failure, rowCounts, uid } from './support/helpers';
import { accountInput, newAccount } from './support/builders';
import { pomerium, verify } from './support/verify';

const DAY = 86_400_000;
let admin: Actor;
beforeAll(async () => {
  admin = await makeAdmin();
  await verifyEngine.activeSigner(); // the first signing key exists (made, and recorded, on first use)
});

const ns = async (parent = 'global') => (await createNamespace(admin, parent, `lt-${uid()}`)).id;
const rule = (namespaceId: string, maxLifetimeDays: number | null, disableUnusedDays: number | null = null) =>
  setLifetimeRule(admin, namespaceId, { maxLifetimeDays, disableUnusedDays });
const inFuture = (days: number) => new Date(Date.now() + days * DAY).toISOString();

describe('lifetime rules', () => {
  it('hold downwards, and the strictest along the path wins', async () => {
    const parent = await ns();
    const child = await ns(parent);
    const grandchild = await ns(child);
    await rule(parent, 90, 60);
    expect((await getLifetimeRules(admin, grandchild)).effective).toMatchObject({
      maxLifetimeDays: 90,
      disableUnusedDays: 60,
    });
    await rule(child, 30);
    const below = await lifetimeRulesBelow(admin, parent);
    expect(below[parent]?.maxLifetimeDays).toBe(90);
    expect(below[child]?.maxLifetimeDays).toBe(30);
    expect(below[grandchild]).toMatchObject({ maxLifetimeDays: 30, disableUnusedDays: 60 });
    // A looser value below does not loosen the rule above it.
    await rule(grandchild, 120, 365);
    const g = await getLifetimeRules(admin, grandchild);
    expect(g.own).toEqual({ maxLifetimeDays: 120, disableUnusedDays: 365 });
    expect(g.inherited.maxLifetimeDays).toBe(30);
    expect(g.effective).toMatchObject({ maxLifetimeDays: 30, disableUnusedDays: 60 });
    // Removing the middle rule: the parent's holds again.
    await rule(child, null);
    expect((await getLifetimeRules(admin, grandchild)).effective.maxLifetimeDays).toBe(90);
  });

  it('are set by Admins only, and recorded in the Change History', async () => {
    const id = await ns();
    const manager = await makeUserWithRole(id, 'manager');
    expect((await failure(setLifetimeRule(manager, id, { maxLifetimeDays: 7, disableUnusedDays: null }))).code).toBe(
      'forbidden',
    );
    await rule(id, 45, 10);
    const { entries } = await listHistory(admin, { namespaceId: id, entityType: 'namespace' });
    expect(entries[0]).toMatchObject({
      action: 'update',
      before: { lifetimeRule: { maxLifetimeDays: null, disableUnusedDays: null } },
      after: { lifetimeRule: { maxLifetimeDays: 45, disableUnusedDays: 10 } },
    });
  });

  it('validate the form: whole days between 1 and 3650, or empty', () => {
    const bad = (v: unknown) =>
      lifetimeRuleSchema.safeParse({ namespaceId: 'global', maxLifetimeDays: v, disableUnusedDays: '' }).error
        ?.issues[0]?.message;
    expect(bad('0')).toBe('Enter between 1 and 3650 days.');
    expect(bad('4000')).toBe('Enter between 1 and 3650 days.');
    expect(bad('ninety')).toBe('Enter a whole number of days, or leave it empty.');
    expect(bad('90')).toBeUndefined();
    expect(bad('')).toBeUndefined();
  });

  it('refuse creating a token outside the rule, on the field that chose it, and create nothing', async () => {
    const parent = await ns();
    const child = await ns(parent);
    await rule(parent, 60);
    const before = await rowCounts('serviceAccount', 'auditEvent');
    const never = await failure(createServiceAccount(admin, accountInput(child, { expiration: 'never' })));
    expect(never.code).toBe('invalid');
    expect(never.fieldErrors?.expiration?.[0]).toMatch(/limits new tokens to 60 days\. "Never" is not allowed/);
    const long = await failure(createServiceAccount(admin, accountInput(child, { expiration: '90' })));
    expect(long.fieldErrors?.expiration?.[0]).toMatch(/Choose an expiry within 60 days/);
    const custom = await failure(
      createServiceAccount(admin, accountInput(child, { expiration: 'custom', customExpiresAt: inFuture(61) })),
    );
    expect(custom.fieldErrors?.customExpiresAt?.[0]).toMatch(/within 60 days/);
    expect(await rowCounts('serviceAccount', 'auditEvent')).toEqual(before);
    // Inside the rule: created.
    expect((await newAccount(admin, child, { expiration: '60' })).account.expiresAt).not.toBeNull();
    expect(
      (await newAccount(admin, child, { expiration: 'custom', customExpiresAt: inFuture(59) })).token,
    ).toBeTruthy();
  });

  it('refuse rotating to a token outside the rule, leaving the current token as it was', async () => {
    const id = await ns();
    const { account, token } = await newAccount(admin, id); // never expires: made before the rule
    await rule(id, 30);
    const rotation = (expiration: string) =>
      rotateServiceAccount(admin, rotateServiceAccountSchema.parse({ id: account.id, expiration, grace: '1h' }));
    expect((await failure(rotation('never'))).fieldErrors?.expiration?.[0]).toMatch(/"Never" is not allowed/);
    expect((await failure(rotation('60'))).fieldErrors?.expiration?.[0]).toMatch(/within 30 days/);
    expect((await verify(pomerium(token))).status).toBe(200);
    const { account: rotated } = await rotation('30');
    expect(rotated.generation).toBe(2);
  });
});

describe('auto-disable of unused accounts', () => {
  /** Moves an account's history into the past, as if days had gone by. */
  const aged = async (id: string, days: { created: number; used?: number }) => {
    const prisma = await getPrisma();
    await prisma.serviceAccount.update({
      where: { id },
      data: {
        issuedAt: new Date(Date.now() - days.created * DAY),
        accessedAt: days.used === undefined ? null : new Date(Date.now() - days.used * DAY),
      },
    });
  };

  it('disables only accounts unused for N days, records why, and enabling restarts the clock', async () => {
    const parent = await ns();
    const child = await ns(parent);
    const other = await ns();
    await rule(parent, null, 30);
    const never = await newAccount(admin, child); // created 40 days ago, never used
    const usedLately = await newAccount(admin, parent); // created 100 days ago, used 10 days ago
    const usedLongAgo = await newAccount(admin, parent); // used 31 days ago
    const fresh = await newAccount(admin, parent); // created today, never used
    const noRule = await newAccount(admin, other); // another namespace, without a rule
    await aged(never.account.id, { created: 40 });
    await aged(usedLately.account.id, { created: 100, used: 10 });
    await aged(usedLongAgo.account.id, { created: 100, used: 31 });
    await aged(noRule.account.id, { created: 400 });

    const disabled = await runAutoDisableOnce();
    const stale = [never.account.id, usedLongAgo.account.id];
    expect(
      disabled
        .filter((id) => [...stale, usedLately.account.id, fresh.account.id, noRule.account.id].includes(id))
        .sort(),
    ).toEqual([...stale].sort());
    expect((await verify(pomerium(never.token))).body).toEqual({ error: 'disabled' });
    expect((await verify(pomerium(usedLately.token))).status).toBe(200);
    expect((await verify(pomerium(noRule.token))).status).toBe(200);

    // The list says why.
    const { rows } = await listServiceAccounts(admin, parent, { includeChildren: true });
    const row = rows.find((r) => r.id === never.account.id)!;
    expect(row.disabled).toBe(true);
    expect(disabledReasonText(row.disabledReason)).toBe('Disabled automatically: unused for 30 days');
    // The history says who: the system.
    const { entries } = await listHistory(admin, { namespaceId: child, entityType: 'service_account' });
    const entry = entries.find((e) => e.entityId === never.account.id && e.action === 'update')!;
    expect(entry).toMatchObject({
      actorEmail: 'system',
      before: { disabled: false },
      after: { disabled: true, disabledReason: 'unused:30' },
    });

    // A second run (another instance, the next day) changes and records nothing more.
    const historyBefore = await rowCounts('auditEvent');
    expect((await runAutoDisableOnce()).filter((id) => stale.includes(id))).toEqual([]);
    expect(await rowCounts('auditEvent')).toEqual(historyBefore);

    // Enabling: the reason goes, the clock restarts, so the next run leaves it enabled.
    await setServiceAccountDisabled(admin, never.account.id, false);
    expect((await runAutoDisableOnce()).includes(never.account.id)).toBe(false);
    const again = (await listServiceAccounts(admin, child)).rows.find((r) => r.id === never.account.id)!;
    expect(again).toMatchObject({ disabled: false, disabledReason: null });
    expect((await verify(pomerium(never.token))).status).toBe(200);
    // ... until it has been unused for 30 days again.
    expect((await runAutoDisableOnce(new Date(Date.now() + 31 * DAY))).includes(never.account.id)).toBe(true);
  });

  it('counts a use reported by the verify path (accessed_at), and leaves expired accounts alone', async () => {
    const id = await ns();
    await rule(id, null, 7);
    const used = await newAccount(admin, id);
    const expired = await newAccount(admin, id, {
      expiration: 'custom',
      customExpiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    await aged(used.account.id, { created: 20 });
    await aged(expired.account.id, { created: 20 });
    await recordAccessed([used.account.id], new Date(Date.now() - DAY));
    const later = new Date(Date.now() + 2 * 60_000);
    const disabled = await runAutoDisableOnce(later);
    expect(disabled.includes(used.account.id)).toBe(false);
    expect(disabled.includes(expired.account.id)).toBe(false);
    expect((await runAutoDisableOnce(new Date(Date.now() + 7 * DAY))).includes(used.account.id)).toBe(true);
  });
});
