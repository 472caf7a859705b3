// Every mutation of something the verify path caches moves the state version (cache_epoch)
// in its own transaction: forgetting it would leave other instances, and verifiers,
// deciding on old data. One table, one row per mutation; and a check that no DAL file can
// write around the mutation helper.
import { describe, it, expect, beforeAll } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getDatabase } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { createNamespace, deleteNamespace, renameNamespace } from '@/lib/dal/namespaces';
import {
  revokeServiceAccount,
  setServiceAccountDisabled,
  updateServiceAccountDescription,
} from '@/lib/dal/service-accounts';
import { rotateServiceAccount } from '@/lib/dal/rotation';
import { setLifetimeRule } from '@/lib/dal/lifetime-rules';
import { runAutoDisableOnce } from '@/lib/jobs/auto-disable';
import { rotateServiceAccountSchema } from '@/lib/schemas/rotation';
import { createPolicy, deletePolicy, updatePolicy } from '@/lib/dal/policies';
import { createRoute, deleteRoute, updateRoute } from '@/lib/dal/routes';
import { retireSigningKey, rotateSigningKey } from '@/lib/dal/signing-keys';
import { createDirectoryUser, deleteDirectoryUser } from '@/lib/dal/directory';
import { importPomeriumRoutes } from '@/lib/dal/route-import';
import {
  createScimUser,
  createScimGroup,
  deleteScimGroup,
  deleteScimUser,
  updateScimGroup,
  updateScimUser,
} from '@/lib/dal/scim';
import { createScimToken, authenticateScimToken, type ScimCaller } from '@/lib/dal/scim-tokens';
import { onChange } from '@/lib/verify/invalidate';
import { makeAdmin } from './support/actors';
import { uid } from './support/helpers';
import { newAccount, policyInput, routeInput } from './support/builders';

let admin: Actor;
let scim: ScimCaller;
beforeAll(async () => {
  admin = await makeAdmin();
  const { token } = await createScimToken(admin, `sv-${uid()}`);
  scim = (await authenticateScimToken(`Bearer ${token}`))!;
});

const ppl = (who: string) => `allow:\n  or:\n    - user:\n        is: ${who}\n`;
const policyValues = (name: string, who = 'x') => policyInput(ppl(who), { name });
const routeValues = (from: string) => routeInput(from);
const account = (namespaceId: string) => newAccount(admin, namespaceId);
const scimUser = (f: Partial<{ email: string; active: boolean }> = {}) =>
  createScimUser(scim, {
    userName: `sv-${uid()}`,
    externalId: null,
    email: f.email ?? null,
    name: null,
    active: f.active,
  });

/** [what, setup (not measured), the mutation] */
const table: [string, () => Promise<unknown>, (s: never) => Promise<unknown>][] = [
  ['namespace: create', async () => null, () => createNamespace(admin, 'global', `sv-${uid()}`)],
  [
    'namespace: rename',
    () => createNamespace(admin, 'global', `sv-${uid()}`),
    (ns: { id: string }) => renameNamespace(admin, ns.id, `sv-${uid()}`),
  ],
  [
    'namespace: delete',
    () => createNamespace(admin, 'global', `sv-${uid()}`),
    (ns: { id: string }) => deleteNamespace(admin, ns.id),
  ],
  ['service account: create', async () => null, () => account('global')],
  [
    'service account: description',
    () => account('global'),
    (a: { account: { id: string } }) => updateServiceAccountDescription(admin, a.account.id, 'changed'),
  ],
  [
    'service account: disable',
    () => account('global'),
    (a: { account: { id: string } }) => setServiceAccountDisabled(admin, a.account.id, true),
  ],
  [
    'service account: enable',
    async () => {
      const a = await account('global');
      await setServiceAccountDisabled(admin, a.account.id, true);
      return a;
    },
    (a: { account: { id: string } }) => setServiceAccountDisabled(admin, a.account.id, false),
  ],
  [
    'service account: rotate',
    () => account('global'),
    (a: { account: { id: string } }) =>
      rotateServiceAccount(
        admin,
        rotateServiceAccountSchema.parse({ id: a.account.id, expiration: 'never', grace: '1h' }),
      ),
  ],
  [
    'service account: disabled automatically (unused)',
    async () => {
      const ns = await createNamespace(admin, 'global', `sv-${uid()}`);
      await setLifetimeRule(admin, ns.id, { maxLifetimeDays: null, disableUnusedDays: 1 });
      return account(ns.id);
    },
    () => runAutoDisableOnce(new Date(Date.now() + 2 * 86_400_000)),
  ],
  [
    'service account: revoke',
    () => account('global'),
    (a: { account: { id: string } }) => revokeServiceAccount(admin, a.account.id),
  ],
  ['policy: create', async () => null, () => createPolicy(admin, 'global', policyValues(`sv-${uid()}`))],
  [
    'policy: update',
    () => createPolicy(admin, 'global', policyValues(`sv-${uid()}`)),
    (p: { id: string }) => updatePolicy(admin, p.id, policyValues(`sv-${uid()}`, 'y')),
  ],
  [
    'policy: delete',
    () => createPolicy(admin, 'global', policyValues(`sv-${uid()}`)),
    (p: { id: string }) => deletePolicy(admin, p.id),
  ],
  [
    'route: create',
    async () => null,
    () => createRoute(admin, 'global', routeValues(`https://sv-${uid()}.example.com`)),
  ],
  [
    'route: update',
    () => createRoute(admin, 'global', routeValues(`https://sv-${uid()}.example.com`)),
    (r: { id: string }) => updateRoute(admin, r.id, routeValues(`https://sv-${uid()}.example.com/v2`)),
  ],
  [
    'route: delete',
    () => createRoute(admin, 'global', routeValues(`https://sv-${uid()}.example.com`)),
    (r: { id: string }) => deleteRoute(admin, r.id),
  ],
  [
    'route: Pomerium import',
    async () => null,
    () =>
      importPomeriumRoutes(
        admin,
        'global',
        `routes:\n  - from: https://sv-${uid()}.example.com\n    to: http://127.0.0.1:9\n    allow_any_authenticated_user: true\n`,
      ),
  ],
  ['signing key: rotate', async () => null, () => rotateSigningKey(admin)],
  [
    'signing key: retire',
    async () => {
      const kid = await rotateSigningKey(admin);
      await rotateSigningKey(admin);
      return kid;
    },
    (kid: string) => retireSigningKey(admin, kid),
  ],
  [
    'directory user (manual): create',
    async () => null,
    () => createDirectoryUser(admin, { id: `sv-${uid()}`, email: '', name: '', groups: [] }),
  ],
  [
    'directory user (manual): delete',
    () => createDirectoryUser(admin, { id: `sv-${uid()}`, email: '', name: '', groups: [] }),
    (u: { id: string }) => deleteDirectoryUser(admin, u.id),
  ],
  [
    'SCIM user: email changed',
    () => scimUser({ email: 'a@corp.example' }),
    (u: { id: string; userName: string }) =>
      updateScimUser(scim, u.id, (c) => ({
        ...c,
        externalId: null,
        name: null,
        email: 'b@corp.example',
        active: c.active,
      })),
  ],
  [
    'SCIM user: deactivated',
    () => scimUser(),
    (u: { id: string }) => updateScimUser(scim, u.id, (c) => ({ ...c, externalId: null, name: null, active: false })),
  ],
  ['SCIM user: deleted', () => scimUser(), (u: { id: string }) => deleteScimUser(scim, u.id)],
  [
    'SCIM group: created with members',
    () => scimUser(),
    (u: { id: string }) => createScimGroup(scim, { displayName: `sv-${uid()}`, externalId: null, members: [u.id] }),
  ],
  [
    'SCIM group: member added',
    async () => ({
      u: await scimUser(),
      g: await createScimGroup(scim, { displayName: `sv-${uid()}`, externalId: null, members: [] }),
    }),
    ({ u, g }: { u: { id: string }; g: { id: string } }) =>
      updateScimGroup(scim, g.id, (c) => ({ displayName: c.displayName, externalId: null, members: [u.id] })),
  ],
  [
    'SCIM group: deleted with members',
    async () => {
      const u = await scimUser();
      return createScimGroup(scim, { displayName: `sv-${uid()}`, externalId: null, members: [u.id] });
    },
    (g: { id: string }) => deleteScimGroup(scim, g.id),
  ],
];

describe('every mutation of verify state moves the state version', () => {
  it.each(table)('%s', async (_what, setup, mutation) => {
    const arg = await setup();
    const db = await getDatabase();
    const before = await db.readEpoch();
    let told = 0;
    const off = onChange(() => {
      told++;
    });
    try {
      await mutation(arg as never);
    } finally {
      off();
    }
    expect(await db.readEpoch(), 'the state version did not move').toBeGreaterThan(before);
    expect(told, 'this instance was not told after the commit').toBeGreaterThan(0);
  });
});

describe('one way to write', () => {
  const dal = path.join(process.cwd(), 'lib', 'dal');
  const files = readdirSync(dal).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  it.each(files)('%s opens no transaction, records no history and moves no state version by hand', (file) => {
    const text = readFileSync(path.join(dal, file), 'utf8');
    if (file === 'mutation.ts' || file === 'epoch.ts' || file === 'audit.ts') return;
    // The one exception: the Pomerium import preview, a dry run that is always rolled back.
    const transactions = (text.match(/\$transaction\(/g) ?? []).length - (file === 'route-import.ts' ? 1 : 0);
    expect(transactions, 'use mutate() from lib/dal/mutation.ts').toBe(0);
    expect(text).not.toMatch(/\brecordAudit\(/);
    expect(text).not.toMatch(/\bbumpEpoch\(/);
    expect(text).not.toMatch(/\bchanged\(\)/);
  });
});
