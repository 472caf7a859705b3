import { describe, it, expect, beforeAll } from 'vitest';
import { createNamespace, deleteNamespace, getNamespace, listNamespaces, renameNamespace } from '@/lib/dal/namespaces';
import { AppError } from '@/lib/dal/errors';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin, makeUserWithoutRole } from './support/actors';

const rejects = async (p: Promise<unknown>, code: AppError['code']) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
};

let admin: Actor;
beforeAll(async () => {
  admin = await makeAdmin();
});

describe('namespace tree', () => {
  it('starts with Global as the only root', async () => {
    const all = await listNamespaces(admin);
    expect(all.filter((n) => n.parentId === null)).toEqual([
      { id: 'global', name: 'Global', parentId: null, role: 'admin' },
    ]);
  });

  it('creates children with trimmed names, shown with their path', async () => {
    const eng = await createNamespace(admin, 'global', 'Engineering');
    const team = await createNamespace(admin, eng.id, 'Payments');
    const detail = await getNamespace(admin, team.id);
    expect(detail.path.map((n) => n.name)).toEqual(['Global', 'Engineering', 'Payments']);
    expect((await getNamespace(admin, eng.id)).children.map((c) => c.name)).toEqual(['Payments']);
  });

  it('refuses a sibling with the same name in any case, but allows it elsewhere', async () => {
    const a = await createNamespace(admin, 'global', 'Ops');
    const err = await rejects(createNamespace(admin, 'global', 'OPS'), 'conflict');
    expect(err.fieldErrors?.name?.[0]).toMatch(/already used/);
    await expect(createNamespace(admin, a.id, 'Ops')).resolves.toMatchObject({ name: 'Ops' });
    expect((await listNamespaces(admin)).filter((n) => n.name.toLowerCase() === 'ops')).toHaveLength(2);
  });

  it('renames, refusing a name taken by a sibling', async () => {
    const a = await createNamespace(admin, 'global', 'Alpha');
    await createNamespace(admin, 'global', 'Beta');
    await rejects(renameNamespace(admin, a.id, 'beta'), 'conflict');
    expect((await getNamespace(admin, a.id)).name).toBe('Alpha');
    await renameNamespace(admin, a.id, 'Gamma');
    expect((await getNamespace(admin, a.id)).name).toBe('Gamma');
  });

  it('never renames or deletes Global', async () => {
    await rejects(renameNamespace(admin, 'global', 'Root'), 'invalid');
    await rejects(deleteNamespace(admin, 'global'), 'invalid');
    expect((await getNamespace(admin, 'global')).name).toBe('Global');
  });

  it('refuses to delete a namespace that has children, then deletes it once empty', async () => {
    const parent = await createNamespace(admin, 'global', 'Parent');
    const child = await createNamespace(admin, parent.id, 'Child');
    const err = await rejects(deleteNamespace(admin, parent.id), 'conflict');
    expect(err.message).toMatch(/1 child namespace/);
    await deleteNamespace(admin, child.id);
    await deleteNamespace(admin, parent.id);
    await rejects(getNamespace(admin, parent.id), 'not_found');
  });

  it('refuses a child of a namespace that does not exist', async () => {
    await rejects(createNamespace(admin, 'no-such-namespace', 'Orphan'), 'not_found');
  });

  it('refuses anonymous callers and users without a role before touching data', async () => {
    const before = (await listNamespaces(admin)).length;
    await rejects(createNamespace(null, 'global', 'Sneaky'), 'unauthorized');
    await rejects(listNamespaces(null), 'unauthorized');
    const nobody = await makeUserWithoutRole();
    await rejects(createNamespace(nobody, 'global', 'Sneaky'), 'forbidden');
    expect((await listNamespaces(admin)).length).toBe(before);
  });
});
