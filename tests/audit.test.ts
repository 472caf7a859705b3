import { describe, it, expect } from 'vitest';
import { getPrisma } from '@/lib/db';
import { createNamespace, deleteNamespace, renameNamespace } from '@/lib/dal/namespaces';
import { revokeServiceAccount, setServiceAccountDisabled } from '@/lib/dal/service-accounts';
import { createPolicy, deletePolicy, updatePolicy } from '@/lib/dal/policies';
import { createRoute, deleteRoute, updateRoute } from '@/lib/dal/routes';
import { addGrant, removeGrant } from '@/lib/dal/grants';
import { createDirectoryUser, deleteDirectoryUser } from '@/lib/dal/directory';
import { retireSigningKey, rotateSigningKey } from '@/lib/dal/signing-keys';
import { makeAdmin } from './support/actors';
import { newAccount } from './support/builders';
import { expectEntryKinds } from './support/helpers';

describe('change history', () => {
  it('records who, where, what and before/after for every kind of mutation, and never a secret', {
    timeout: 120_000,
  }, async () => {
    const admin = await makeAdmin();
    const prisma = await getPrisma();
    const ns = await createNamespace(admin, 'global', 'Audited');
    await renameNamespace(admin, ns.id, 'Audited2');
    const { account, token } = await newAccount(admin, ns.id, { userId: 'audited-bot', expiration: '7' });
    await setServiceAccountDisabled(admin, account.id, true);
    await revokeServiceAccount(admin, account.id);
    const ppl = 'allow:\n  or:\n    - accept: true\n';
    const p = await createPolicy(admin, ns.id, {
      name: 'p',
      description: '',
      enforced: false,
      explanation: '',
      remediation: '',
      ppl,
    });
    await updatePolicy(admin, p.id, {
      name: 'p2',
      description: 'd',
      enforced: true,
      explanation: '',
      remediation: '',
      ppl,
    });
    const r = await createRoute(admin, ns.id, {
      name: 'r',
      from: 'https://audited.example.com',
      to: 'http://up:1',
      policyIds: [],
    });
    await updateRoute(admin, r.id, {
      name: 'r2',
      from: 'https://audited.example.com/v2',
      to: 'http://up:1',
      policyIds: [],
    });
    await deleteRoute(admin, r.id);
    await deletePolicy(admin, p.id);
    const other = await prisma.user.create({ data: { email: 'member@example.com' } });
    const g = await addGrant(admin, { namespaceId: ns.id, subjectType: 'user', subject: other.email, role: 'viewer' });
    await removeGrant(admin, g.id);
    await createDirectoryUser(admin, { id: 'erin', email: 'erin@corp.example', name: 'Erin', groups: [] });
    await deleteDirectoryUser(admin, 'erin');
    const kid = await rotateSigningKey(admin);
    await rotateSigningKey(admin);
    await retireSigningKey(admin, kid);
    await deleteNamespace(admin, ns.id);

    const events = await prisma.auditEvent.findMany({ orderBy: { id: 'asc' } });
    expectEntryKinds(events, [
      'namespace:create',
      'namespace:update',
      'namespace:delete',
      'service_account:create',
      'service_account:update',
      'service_account:delete',
      'policy:create',
      'policy:update',
      'policy:delete',
      'route:create',
      'route:update',
      'route:delete',
      'grant:create',
      'grant:delete',
      'directory_user:create',
      'directory_user:delete',
      'signing_key:create',
      'signing_key:update',
    ]);
    // The first signing key is made by the system on first use; everything else by the admin.
    for (const e of events) if (e.actorEmail !== 'system') expect(e.actorEmail).toBe(admin.email);
    expect(events.filter((e) => e.actorEmail === 'system').map((e) => `${e.entityType}:${e.action}`)).toEqual([
      'signing_key:create',
    ]);
    const update = events.find((e) => e.entityType === 'service_account' && e.action === 'update')!;
    expect(update.before).toMatchObject({ disabled: false, userId: 'audited-bot' });
    expect(update.after).toMatchObject({ disabled: true });
    expect(update.namespaceId).toBe(ns.id);

    const text = JSON.stringify(events, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    expect(text).not.toContain(token.split('.')[2]);
    expect(text).not.toContain(token.split('.')[1]);
    const user = await prisma.user.findUniqueOrThrow({ where: { id: admin.userId }, omit: { passwordHash: false } });
    expect(text).not.toContain(user.passwordHash!);
    for (const k of await prisma.signingKey.findMany({ omit: { privateSealed: false } }))
      expect(text).not.toContain(k.privateSealed.slice(5, 40));
  });

  it('is append-only: the database refuses to change or delete entries', async () => {
    const prisma = await getPrisma();
    await expect(prisma.$executeRawUnsafe("UPDATE audit_events SET actor_email = 'x'")).rejects.toThrow();
    await expect(prisma.$executeRawUnsafe('DELETE FROM audit_events')).rejects.toThrow();
  });
});

describe('change history: where a change came from', () => {
  it('records the trusted client address of a console user and of a SCIM client, none for the system', async () => {
    const { createNamespace } = await import('@/lib/dal/namespaces');
    const { createScimToken, authenticateScimToken } = await import('@/lib/dal/scim-tokens');
    const { createScimUser } = await import('@/lib/dal/scim');
    const prisma = await getPrisma();
    const admin = { ...(await makeAdmin()), address: '203.0.113.7' };
    const ns = await createNamespace(admin, 'global', `addr-${Date.now()}`);
    const { token } = await createScimToken(admin, `addr-${Date.now()}`);
    const caller = (await authenticateScimToken(`Bearer ${token}`, '198.51.100.4'))!;
    const user = await createScimUser(caller, {
      userName: `addr-${Date.now()}`,
      externalId: null,
      email: null,
      name: null,
      active: true,
    });
    const rows = await prisma.auditEvent.findMany({
      where: { entityId: { in: [ns.id, user.id] } },
      select: { entityId: true, clientAddress: true },
    });
    expect(Object.fromEntries(rows.map((r) => [r.entityId, r.clientAddress]))).toEqual({
      [ns.id]: '203.0.113.7',
      [user.id]: '198.51.100.4',
    });
  });
});
