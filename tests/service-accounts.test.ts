import { describe, it, expect, beforeAll } from 'vitest';
import {
  createServiceAccount,
  listServiceAccounts,
  revokeServiceAccount,
  updateServiceAccountDescription,
} from '@/lib/dal/service-accounts';
import { createDirectoryUser, deleteDirectoryUser } from '@/lib/dal/directory';
import { createNamespace, deleteNamespace } from '@/lib/dal/namespaces';
import type { AppError } from '@/lib/dal/errors';
import { createServiceAccountSchema } from '@/lib/schemas/service-account';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { makeAdmin, makeUserWithoutRole } from './support/actors';
import { failure } from './support/helpers';
import { accountInput } from './support/builders';

let admin: Actor;
beforeAll(async () => {
  admin = await makeAdmin();
});

const input = (over: Record<string, unknown> = {}) => accountInput('global', over);

describe('creating a service account', () => {
  it('returns a JWT with the documented claims, and no exp without expiry', async () => {
    const { account, token } = await createServiceAccount(
      admin,
      input({ userId: 'Deploy-Bot', description: 'deploys' }),
    );
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: 'Deploy-Bot', jti: account.id, aud: 'postern' });
    expect(claims.iss).toMatch(/^https?:\/\//);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.exp).toBeUndefined();
    expect(account).toMatchObject({
      userId: 'Deploy-Bot',
      namespaceName: 'Global',
      description: 'deploys',
      expiresAt: null,
      disabled: false,
    });
  });

  it('sets exp from a preset', async () => {
    const { account, token } = await createServiceAccount(admin, input({ expiration: '30' }));
    const days = ((account.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    expect(decodeJwt(token).exp).toBe(Math.floor(account.expiresAt!.getTime() / 1000));
  });

  it('never stores the token or its signature', async () => {
    const { token } = await createServiceAccount(admin, input());
    const signature = token.split('.')[2]!;
    const prisma = await getPrisma();
    const tables = await prisma.$queryRawUnsafe<{ tablename: string }[]>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`,
    );
    for (const { tablename } of tables) {
      const rows = await prisma.$queryRawUnsafe<{ dump: string }[]>(
        `SELECT coalesce(string_agg(t::text, E'\\n'), '') AS dump FROM "${tablename}" t`,
      );
      const dump = rows[0]?.dump ?? '';
      expect(dump.includes(signature), `table ${tablename}`).toBe(false);
      expect(dump.includes(token.split('.')[1]!), `table ${tablename}`).toBe(false);
    }
  });

  it('refuses a duplicate user id in any case, creating nothing', async () => {
    await createServiceAccount(admin, input({ userId: 'dup-check' }));
    const err = await failure(createServiceAccount(admin, input({ userId: 'DUP-CHECK' })));
    expect(err.fieldErrors?.userId?.[0]).toMatch(/already taken/);
    const { rows } = await listServiceAccounts(admin, 'global', { q: 'dup-check' });
    expect(rows).toHaveLength(1);
  });

  it('lets exactly one of two simultaneous creates of the same id succeed', async () => {
    const results = await Promise.allSettled([
      createServiceAccount(admin, input({ userId: 'race-id' })),
      createServiceAccount(admin, input({ userId: 'Race-Id' })),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as AppError).fieldErrors?.userId?.[0]).toMatch(/already taken/);
  });

  it('validates user ids and custom expiries with messages on the field', () => {
    const bad = (over: Record<string, unknown>) => {
      const r = createServiceAccountSchema.safeParse({
        namespaceId: 'global',
        kind: 'service',
        userId: 'ok',
        expiration: 'never',
        ...over,
      });
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(bad({ userId: 'x'.repeat(300) })).toEqual(['userId: Use at most 128 characters.']);
    expect(bad({ userId: 'has space' })).toEqual(['userId: Use only letters, digits and . - _ @ (no spaces).']);
    expect(bad({ expiration: 'custom', customExpiresAt: new Date(Date.now() - 60_000).toISOString() })).toEqual([
      'customExpiresAt: The expiry must lie in the future.',
    ]);
    expect(bad({ expiration: 'custom', customExpiresAt: 'tomorrow-ish' })).toEqual([
      'customExpiresAt: Enter a date and time.',
    ]);
  });

  it('impersonates a directory user, and refuses one deleted meanwhile', async () => {
    await createDirectoryUser(admin, { id: 'alice', email: 'alice@corp.example', name: 'Alice', groups: ['ops'] });
    const { account, token } = await createServiceAccount(
      admin,
      input({ kind: 'impersonate', userId: undefined, directoryUserId: 'alice' }),
    );
    expect(account.userId).toBe('alice');
    expect(decodeJwt(token).sub).toBe('alice');
    // The user cannot be deleted while impersonated...
    expect((await failure(deleteDirectoryUser(admin, 'alice'))).message).toMatch(/impersonates this user/);
    await revokeServiceAccount(admin, account.id);
    await deleteDirectoryUser(admin, 'alice');
    // ...and a form still showing the deleted user gets a clear error.
    const err = await failure(
      createServiceAccount(admin, input({ kind: 'impersonate', userId: undefined, directoryUserId: 'alice' })),
    );
    expect(err.fieldErrors?.directoryUserId?.[0]).toMatch(/no longer exists/);
  });

  it('keeps service-only ids apart from directory user ids', async () => {
    await createDirectoryUser(admin, { id: 'bob', email: '', name: '', groups: [] });
    expect((await failure(createServiceAccount(admin, input({ userId: 'BOB' })))).fieldErrors?.userId?.[0]).toMatch(
      /directory user/,
    );
  });

  it('blocks deleting a namespace that holds service accounts', async () => {
    const ns = await createNamespace(admin, 'global', `sa-ns-${Date.now()}`);
    await createServiceAccount(admin, input({ namespaceId: ns.id }));
    expect((await failure(deleteNamespace(admin, ns.id))).message).toMatch(/1 service account/);
  });

  it('lists with filter, child namespaces, sort and only the description editable', async () => {
    const parent = await createNamespace(admin, 'global', `list-${Date.now()}`);
    const child = await createNamespace(admin, parent.id, 'child');
    const a = await createServiceAccount(admin, input({ namespaceId: parent.id, userId: 'list-a', expiration: '7' }));
    await createServiceAccount(admin, input({ namespaceId: child.id, userId: 'list-b', expiration: '90' }));
    expect((await listServiceAccounts(admin, parent.id)).rows.map((r) => r.userId)).toEqual(['list-a']);
    const all = await listServiceAccounts(admin, parent.id, { includeChildren: true, sort: 'expires', dir: 'asc' });
    expect(all.rows.map((r) => r.userId)).toEqual(['list-a', 'list-b']);
    expect(all.rows[1]?.namespaceName).toBe('child');
    await updateServiceAccountDescription(admin, a.account.id, 'new text');
    expect((await listServiceAccounts(admin, parent.id, { q: 'NEW TEXT' })).rows.map((r) => r.userId)).toEqual([
      'list-a',
    ]);
  });

  it('refuses anonymous callers and users without a role, changing nothing', async () => {
    const before = (await listServiceAccounts(admin, 'global')).total;
    expect((await failure(createServiceAccount(null, input()))).code).toBe('unauthorized');
    expect((await failure(createServiceAccount(await makeUserWithoutRole(), input()))).code).toBe('forbidden');
    expect((await listServiceAccounts(admin, 'global')).total).toBe(before);
  });
});
