// Personal API keys and grants to service accounts, through the DAL (the REST API's own
// tests are in tests/api-*.test.ts): a key is shown once and stored hashed, its role cap is
// no higher than its owner's role, revocation is recorded, and a service account may be
// given a role only on a namespace it lives in or below.
import { describe, it, expect, beforeAll } from 'vitest';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { createApiKey, listApiKeys, revokeApiKey } from '@/lib/dal/api-keys';
import { addGrant, listGrants, removeGrant } from '@/lib/dal/grants';
import { createNamespace } from '@/lib/dal/namespaces';
import { hashCredential } from '@/lib/dal/credentials';
import { createApiKeySchema } from '@/lib/schemas/api-key';
import { addGrantSchema } from '@/lib/schemas/grant';
import { makeAdmin, makeUserWithRole, makeUserWithoutRole } from './support/actors';
import { failure, rowCounts } from './support/helpers';
import { newAccount } from './support/builders';

let root: Actor;
let team: string;
let child: string;
let sibling: string;

beforeAll(async () => {
  root = await makeAdmin();
  team = (await createNamespace(root, 'global', 'Team')).id;
  child = (await createNamespace(root, team, 'Child')).id;
  sibling = (await createNamespace(root, 'global', 'Sibling')).id;
});

describe('API keys', () => {
  it('are shown once, stored hashed, listed without the key, and recorded', async () => {
    const manager = await makeUserWithRole(team, 'manager');
    const { apiKey, key } = await createApiKey(
      manager,
      createApiKeySchema.parse({ name: 'ci', roleCap: 'viewer', expiresInDays: 30 }),
    );
    expect(key).toMatch(/^postern_key_[\w-]{40,}$/);
    expect(apiKey).toMatchObject({ name: 'ci', roleCap: 'viewer', revokedAt: null, lastUsedAt: null });
    expect(apiKey.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const prisma = await getPrisma();
    const row = await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id }, select: { keyHash: true } });
    expect(row.keyHash).toBe(hashCredential(key));
    const listed = await listApiKeys(manager);
    expect(listed).toEqual([apiKey]);
    expect(JSON.stringify(listed)).not.toContain(key);
    const events = await prisma.auditEvent.findMany({ where: { entityType: 'api_key', entityId: apiKey.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'create', actorEmail: manager.email, namespaceId: null });
    const text = JSON.stringify(events.map((e) => [e.before, e.after]));
    expect(text).not.toContain(key);
    expect(text).not.toContain(row.keyHash);
  });

  it('refuse a role cap above the owner’s strongest role, on the roleCap field', async () => {
    const viewer = await makeUserWithRole(team, 'viewer');
    const [before] = await rowCounts('apiKey');
    const err = await failure(createApiKey(viewer, createApiKeySchema.parse({ name: 'x', roleCap: 'manager' })));
    expect(err.code).toBe('invalid');
    expect(err.fieldErrors?.roleCap?.[0]).toMatch(/no higher than your own \(viewer\)/);
    expect(await rowCounts('apiKey')).toEqual([before]);
    // A user without any role may not create keys at all.
    const nobody = await makeUserWithoutRole();
    expect((await failure(createApiKey(nobody, createApiKeySchema.parse({ name: 'x', roleCap: 'viewer' })))).code).toBe(
      'forbidden',
    );
  });

  it('are revoked by their owner only, once, with a history entry', async () => {
    const admin = await makeUserWithRole(team, 'admin');
    const other = await makeUserWithRole(team, 'admin');
    const { apiKey } = await createApiKey(admin, createApiKeySchema.parse({ name: 'deploy', roleCap: 'admin' }));
    expect((await failure(revokeApiKey(other, apiKey.id))).code).toBe('not_found');
    const revoked = await revokeApiKey(admin, apiKey.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect((await revokeApiKey(admin, apiKey.id)).revokedAt).toEqual(revoked.revokedAt);
    const prisma = await getPrisma();
    expect(await prisma.auditEvent.count({ where: { entityType: 'api_key', entityId: apiKey.id } })).toBe(2);
    expect(await listApiKeys(other)).toEqual([]);
  });

  it('validate their input with the shared schema', () => {
    expect(createApiKeySchema.safeParse({ name: '', roleCap: 'viewer' }).success).toBe(false);
    expect(createApiKeySchema.safeParse({ name: 'a', roleCap: 'owner' }).success).toBe(false);
    expect(createApiKeySchema.safeParse({ name: 'a', roleCap: 'viewer', expiresInDays: 0 }).success).toBe(false);
    expect(createApiKeySchema.safeParse({ name: 'a', roleCap: 'viewer', expiresInDays: 1.5 }).success).toBe(false);
  });
});

describe('grants to service accounts', () => {
  it('may name an account of the namespace or a descendant; listGrants shows its user ID', async () => {
    const own = await newAccount(root, team);
    const below = await newAccount(root, child);
    const g1 = await addGrant(
      root,
      addGrantSchema.parse({
        namespaceId: team,
        subjectType: 'service_account',
        serviceAccountId: own.account.id,
        role: 'manager',
      }),
    );
    await addGrant(
      root,
      addGrantSchema.parse({
        namespaceId: team,
        subjectType: 'service_account',
        serviceAccountId: below.account.id,
        role: 'viewer',
      }),
    );
    // A second grant to the same account on the same namespace changes its role.
    expect(
      await addGrant(
        root,
        addGrantSchema.parse({
          namespaceId: team,
          subjectType: 'service_account',
          serviceAccountId: own.account.id,
          role: 'admin',
        }),
      ),
    ).toEqual(g1);
    const rows = await listGrants(root, team);
    const mine = rows.find((r) => r.id === g1.id)!;
    expect(mine).toMatchObject({
      subjectType: 'service_account',
      subject: own.account.userId,
      serviceAccountId: own.account.id,
      role: 'admin',
      inherited: false,
    });
    // Inherited in the child.
    expect((await listGrants(root, child)).find((r) => r.id === g1.id)).toMatchObject({ inherited: true });
    const prisma = await getPrisma();
    const entry = await prisma.auditEvent.findFirst({
      where: { entityType: 'grant', entityId: g1.id, action: 'create' },
    });
    expect(entry?.after).toMatchObject({ subject: `service-account:${own.account.userId}` });
    await removeGrant(root, g1.id);
    expect((await listGrants(root, team)).some((r) => r.id === g1.id)).toBe(false);
  });

  it('refuses an account outside the namespace (a sibling, or an ancestor), on serviceAccountId', async () => {
    const elsewhere = await newAccount(root, sibling);
    const above = await newAccount(root, team);
    const [before] = await rowCounts('grant');
    for (const [ns, id] of [
      [team, elsewhere.account.id],
      [child, above.account.id],
      [team, '00000000-0000-4000-8000-000000000000'],
    ] as const) {
      const err = await failure(
        addGrant(
          root,
          addGrantSchema.parse({
            namespaceId: ns,
            subjectType: 'service_account',
            serviceAccountId: id,
            role: 'viewer',
          }),
        ),
      );
      expect(err.fieldErrors?.serviceAccountId?.[0]).toMatch(/this namespace or one of its descendants/);
    }
    expect(await rowCounts('grant')).toEqual([before]);
  });

  it('go with the account when it is revoked', async () => {
    const { account } = await newAccount(root, team);
    const { revokeServiceAccount } = await import('@/lib/dal/service-accounts');
    await addGrant(
      root,
      addGrantSchema.parse({
        namespaceId: team,
        subjectType: 'service_account',
        serviceAccountId: account.id,
        role: 'viewer',
      }),
    );
    await revokeServiceAccount(root, account.id);
    const prisma = await getPrisma();
    expect(await prisma.grant.count({ where: { serviceAccountId: account.id } })).toBe(0);
  });
});
