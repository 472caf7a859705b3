// Seeds a database for tests/faults/graceful-shutdown.test.ts, in a process of its own (a
// PGlite data directory can be open in one process only): an admin, a SCIM token, accounts
// allowed, refused and revoked on a route. Prints them as JSON on the last line of stdout.
//   DATA_DIR or DATABASE_URL, SECRET_KEY: as the server will use them.
//   node --conditions=react-server --import tsx tests/faults/graceful-shutdown.seed.ts
import { closeDatabase } from '@/lib/db';
import { createScimToken } from '@/lib/dal/scim-tokens';

import { createPolicy } from '@/lib/dal/policies';
import { createRoute } from '@/lib/dal/routes';
import { createServiceAccount, revokeServiceAccount } from '@/lib/dal/service-accounts';
import type { Actor } from '@/lib/dal/actor';
import { policyFormSchema } from '@/lib/schemas/policy';
import { routeFormSchema } from '@/lib/schemas/route';
import { createServiceAccountSchema } from '@/lib/schemas/service-account';
import { makeAdmin } from '../support/actors';

// Not tests/support/builders.ts: it imports vitest, which a plain process cannot load.
const suffix = () => Math.random().toString(36).slice(2, 10);
const newAccount = (admin: Actor) =>
  createServiceAccount(
    admin,
    createServiceAccountSchema.parse({
      namespaceId: 'global',
      kind: 'service',
      userId: `t-${suffix()}`,
      expiration: 'never',
    }),
  );

async function main() {
  const admin = await makeAdmin();
  const scim = await createScimToken(admin, 'graceful-shutdown');
  const allowed = await newAccount(admin);
  const refused = await newAccount(admin);
  const revoked = await newAccount(admin);
  await revokeServiceAccount(admin, revoked.account.id);
  const host = 'app.shutdown.test';
  const policy = await createPolicy(
    admin,
    'global',
    policyFormSchema.parse({
      name: `p-${suffix()}`,
      description: '',
      enforced: false,
      explanation: '',
      remediation: '',
      ppl: `allow:\n  or:\n    - user:\n        is: ${allowed.account.userId}\n`,
    }),
  );
  await createRoute(
    admin,
    'global',
    routeFormSchema.parse({
      name: `r-${suffix()}`,
      from: `https://${host}`,
      to: 'http://127.0.0.1:9',
      policyIds: [policy.id],
    }),
  );
  await closeDatabase();
  process.stdout.write(
    `${JSON.stringify({
      scimToken: scim.token,
      host,
      allowed: { id: allowed.account.id, token: allowed.token },
      refused: { id: refused.account.id, token: refused.token },
      revoked: { id: revoked.account.id, token: revoked.token },
    })}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
