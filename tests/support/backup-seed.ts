// node --conditions=react-server --import tsx tests/support/backup-seed.ts <out.json>
// Seeds the database of this environment (DATABASE_URL, or DATA_DIR's embedded PGlite, which
// only this process may hold meanwhile) through the DAL, for tests/http/backup-restore.test.ts:
// accounts (some revoked, some disabled), a namespace, routes and policies. Writes the tokens
// and route hosts to <out.json> (stdout carries the app's logs).
import { writeFileSync } from 'node:fs';
import { getDatabase } from '@/lib/db';
import { createNamespace } from '@/lib/dal/namespaces';
import { revokeServiceAccount, setServiceAccountDisabled } from '@/lib/dal/service-accounts';
import { createPolicy } from '@/lib/dal/policies';
import { createRoute } from '@/lib/dal/routes';
import { createServiceAccount } from '@/lib/dal/service-accounts';
import type { Actor } from '@/lib/dal/actor';
import { policyFormSchema } from '@/lib/schemas/policy';
import { routeFormSchema } from '@/lib/schemas/route';
import { createServiceAccountSchema } from '@/lib/schemas/service-account';
import { makeAdmin } from './actors';

// Not ./builders: it shares ./helpers with the tests, which imports vitest (not loadable here).
const uid = () => Math.random().toString(36).slice(2, 10);
const newAccount = (actor: Actor, namespaceId: string, description: string) =>
  createServiceAccount(
    actor,
    createServiceAccountSchema.parse({
      namespaceId,
      kind: 'service',
      userId: `t-${uid()}`,
      expiration: 'never',
      description,
    }),
  );
async function newGuardedRoute(actor: Actor, namespaceId: string, from: string, ppl: string) {
  const policy = await createPolicy(
    actor,
    namespaceId,
    policyFormSchema.parse({
      name: `p-${uid()}`,
      description: '',
      enforced: false,
      explanation: '',
      remediation: '',
      ppl,
    }),
  );
  await createRoute(
    actor,
    namespaceId,
    routeFormSchema.parse({ name: `r-${uid()}`, from, to: 'http://127.0.0.1:9', policyIds: [policy.id] }),
  );
}

export interface Seeded {
  tokens: Record<string, string>;
  hosts: { open: string; only: string; closed: string };
}

async function main() {
  const out = process.argv[2];
  if (!out) throw new Error('usage: backup-seed.ts <out.json>');
  const admin = await makeAdmin();
  const team = await createNamespace(admin, 'global', `team-${uid()}`);
  const tokens: Record<string, string> = {};
  const accounts: Record<string, { id: string; userId: string }> = {};
  for (const [name, ns] of [
    ['active', 'global'],
    ['active-team', team.id],
    ['revoked', 'global'],
    ['revoked-team', team.id],
    ['disabled', 'global'],
    ['disabled-team', team.id],
    ['re-enabled', 'global'],
  ] as const) {
    const { account, token } = await newAccount(admin, ns, `backup test: ${name}`);
    tokens[name] = token;
    accounts[name] = account;
  }
  await revokeServiceAccount(admin, accounts.revoked!.id);
  await revokeServiceAccount(admin, accounts['revoked-team']!.id);
  await setServiceAccountDisabled(admin, accounts.disabled!.id, true);
  await setServiceAccountDisabled(admin, accounts['disabled-team']!.id, true);
  await setServiceAccountDisabled(admin, accounts['re-enabled']!.id, true);
  await setServiceAccountDisabled(admin, accounts['re-enabled']!.id, false);
  const hosts = {
    open: `open-${uid()}.example.test`,
    only: `only-${uid()}.example.test`,
    closed: `closed-${uid()}.example.test`,
  };
  await newGuardedRoute(admin, 'global', `https://${hosts.open}`, 'allow:\n  or:\n    - authenticated_user: true\n');
  await newGuardedRoute(
    admin,
    team.id,
    `https://${hosts.only}`,
    `allow:\n  or:\n    - user:\n        is: ${accounts['active-team']!.userId}\n`,
  );
  await newGuardedRoute(admin, 'global', `https://${hosts.closed}`, 'allow:\n  or:\n    - reject: true\n');
  writeFileSync(out, JSON.stringify({ tokens, hosts } satisfies Seeded));
  await (await getDatabase()).close();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
