// Verifier credentials as an attacker meets them: only a Global Admin may list, add or revoke
// verifiers; a credential of another kind, a revoked one or a tampered one follows nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { createNamespace } from '@/lib/dal/namespaces';
import { createScimToken, authenticateScimToken } from '@/lib/dal/scim-tokens';
import {
  authenticateVerifier,
  createVerifier,
  listVerifiers,
  revokeVerifier,
  verifierActive,
  type VerifierCaller,
} from '@/lib/dal/verifiers';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin, makeUserWithRole, makeUserWithoutRole } from './support/actors';
import { failure, uid } from './support/helpers';

let admin: Actor;
let target: { id: string; credential: string };
const state = async () => {
  const prisma = await getPrisma();
  return {
    verifiers: await prisma.verifier.findMany({ orderBy: { id: 'asc' } }),
    history: await prisma.auditEvent.count({ where: { entityType: 'verifier' } }),
  };
};

beforeAll(async () => {
  admin = await makeAdmin();
  target = await createVerifier(admin, `edge-${uid()}`);
});

describe('only a Global Admin manages verifiers', () => {
  const outsiders: [string, () => Promise<Actor | null>][] = [
    [
      'a namespace Admin',
      async () => makeUserWithRole((await createNamespace(admin, 'global', `t-${uid()}`)).id, 'admin'),
    ],
    ['a Global Manager', () => makeUserWithRole('global', 'manager')],
    ['a Global Viewer', () => makeUserWithRole('global', 'viewer')],
    ['a user without a role', () => makeUserWithoutRole()],
    ['nobody signed in', async () => null],
  ];

  it.each(outsiders)('%s can neither list, add nor revoke one, and nothing changes', async (_, who) => {
    const actor = await who();
    const before = await state();
    expect((await failure(listVerifiers(actor))).code).toMatch(/forbidden|unauthorized/);
    expect((await failure(createVerifier(actor, `sneaky-${uid()}`))).code).toMatch(/forbidden|unauthorized/);
    expect((await failure(revokeVerifier(actor, target.id))).code).toMatch(/forbidden|unauthorized/);
    expect(await state()).toEqual(before);
    expect(await authenticateVerifier(`Bearer ${target.credential}`)).not.toBeNull();
  });
});

describe('a credential follows the state only while it is a valid verifier credential', () => {
  it('a SCIM token is no verifier credential, and a verifier credential no SCIM token', async () => {
    const { token } = await createScimToken(admin, `idp-${uid()}`);
    expect(await authenticateVerifier(`Bearer ${token}`)).toBeNull();
    expect(await authenticateScimToken(`Bearer ${target.credential}`)).toBeNull();
  });

  it.each([
    ['no header', null],
    ['another scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
    [
      'a tampered credential',
      () => `Bearer ${target.credential.slice(0, -1)}${target.credential.endsWith('A') ? 'B' : 'A'}`,
    ],
    ['the credential with something after it', () => `Bearer ${target.credential} x`],
    ['a huge value', `Bearer ${'a'.repeat(100_000)}`],
    [
      'the stored hash itself',
      async () => {
        const row = await (await getPrisma()).verifier.findUniqueOrThrow({
          where: { id: target.id },
          omit: { credentialHash: false },
        });
        return `Bearer ${row.credentialHash}`;
      },
    ],
  ] as const)('%s is refused', async (_, header) => {
    const value = typeof header === 'function' ? await header() : header;
    expect(await authenticateVerifier(value)).toBeNull();
  });

  it('a revoked credential is refused at once, and its open streams learn it at the next heartbeat', async () => {
    const v = await createVerifier(admin, `gone-${uid()}`);
    const caller = (await authenticateVerifier(`Bearer ${v.credential}`)) as VerifierCaller;
    expect(await verifierActive(caller)).toBe(true);
    await revokeVerifier(admin, v.id);
    expect(await authenticateVerifier(`Bearer ${v.credential}`)).toBeNull();
    expect(await verifierActive(caller)).toBe(false);
  });
});
