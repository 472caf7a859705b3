// The console as bench/soak.mjs uses it: a second console instance on the same PostgreSQL
// database, changing data through the data-access layer (the same code the console's actions
// call, permission checks included) while the server under test answers verify.
//
//   node --conditions=react-server --import tsx bench/soak-console.ts --policy <policy name>
//
// stdin: one JSON command a line, handled one at a time, in order:
//   {"op":"create","userId":"…"}   {"op":"revoke","id":"…"}   {"op":"disable","id":"…"}
//   {"op":"enable","id":"…"}       {"op":"policy","users":["…", …]}   (who the policy allows)
// stdout: one JSON line per command once it has committed: {"ok":true, …} (create adds id and
// token) or {"ok":false,"error":"…"}. Logs go to stderr. Same environment as the server
// (DATABASE_URL, SECRET_KEY); acts as the first administrator of Global.
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import type { Actor } from '@/lib/dal/actor';

const writeResult = process.stdout.write.bind(process.stdout);
process.stdout.write = ((...args: Parameters<typeof process.stderr.write>) =>
  process.stderr.write(...args)) as typeof process.stdout.write;

type Command =
  | { op: 'create'; userId: string }
  | { op: 'revoke' | 'disable' | 'enable'; id: string }
  | { op: 'policy'; users: string[] };

/** Allow exactly these user ids (never an empty list); the same text as allowUsersPpl in bench/soak.mjs. */
const allowUsersPpl = (users: string[]) =>
  `allow:\n  or:\n    - user:\n        in: [${['nobody-soak', ...users].join(', ')}]\n`;

async function main() {
  const { values } = parseArgs({ options: { policy: { type: 'string' } } });
  if (!values.policy) throw new Error('--policy <name> is required');
  const { getPrisma } = await import('@/lib/db');
  const { actorForCli } = await import('@/lib/dal/users');
  const sa = await import('@/lib/dal/service-accounts');
  const { updatePolicy } = await import('@/lib/dal/policies');
  const { createServiceAccountSchema } = await import('@/lib/schemas/service-account');
  const { policyFormSchema } = await import('@/lib/schemas/policy');
  const prisma = await getPrisma();
  const grant = await prisma.grant.findFirst({
    where: { namespaceId: 'global', role: 'admin', userId: { not: null } },
    orderBy: { createdAt: 'asc' },
    select: { userId: true },
  });
  const actor: Actor | null = grant?.userId ? await actorForCli(grant.userId) : null;
  if (!actor) throw new Error('no administrator: seed the database first');
  const policy = await prisma.policy.findFirstOrThrow({
    where: { name: values.policy },
    select: { id: true, name: true },
  });

  const handle = async (cmd: Command): Promise<Record<string, unknown>> => {
    switch (cmd.op) {
      case 'create': {
        const { account, token } = await sa.createServiceAccount(
          actor,
          createServiceAccountSchema.parse({
            namespaceId: 'global',
            kind: 'service',
            userId: cmd.userId,
            expiration: 'never',
          }),
        );
        return { id: account.id, token };
      }
      case 'revoke':
        await sa.revokeServiceAccount(actor, cmd.id);
        return {};
      case 'disable':
      case 'enable':
        await sa.setServiceAccountDisabled(actor, cmd.id, cmd.op === 'disable');
        return {};
      case 'policy':
        await updatePolicy(
          actor,
          policy.id,
          policyFormSchema.parse({
            name: policy.name,
            description: 'edited by bench/soak.mjs',
            enforced: false,
            explanation: '',
            remediation: '',
            ppl: allowUsersPpl(cmd.users),
          }),
        );
        return {};
    }
  };

  // One at a time, in order: the checker orders the changes by when each was sent and committed.
  const lines = readline.createInterface({ input: process.stdin });
  writeResult(`${JSON.stringify({ ready: true })}\n`);
  for await (const line of lines) {
    if (!line.trim()) continue;
    let reply: Record<string, unknown>;
    try {
      reply = { ok: true, ...(await handle(JSON.parse(line) as Command)) };
    } catch (err) {
      reply = { ok: false, error: (err as Error).message };
    }
    writeResult(`${JSON.stringify(reply)}\n`);
  }
  process.exit(0);
}

main().catch((err) => {
  console.error(`soak-console: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
