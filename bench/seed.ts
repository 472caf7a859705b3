#!/usr/bin/env -S node --conditions=react-server --import tsx
// The benchmarks' seeder: writes accounts, routes and verifiers straight through the
// data-access layer into a data dir or database *before* a server opens it (PGlite allows one
// process per data dir, so the bench cannot go through the API there). Not a user-facing
// tool: automation uses the `postern` CLI against the REST API (README, "Automation").
// It must run with the `react-server` condition (lib/dal imports `server-only`) and tsx
// (TypeScript, `@/` paths), from the repository root:
//
//   node --conditions=react-server --import tsx bench/seed.ts create-service-account \
//        --namespace global --user-id bench-bot [--description …] [--expires-in-days 30]
//
// It uses the same environment as the server (DATA_DIR or DATABASE_URL, SECRET_KEY), and
// must not run while a server holds the same PGlite DATA_DIR (one process per data dir).
//
// stdout carries only the result (for create-service-account: the JWT, on one line);
// everything else, logs included, goes to stderr.
//
// Exit codes: 0 done; 1 rejected (invalid input, a DAL AppError) or unexpected failure;
// 2 usage error, or no administrator to act as.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import type { Actor } from '@/lib/dal/actor';
import type { Db } from '@/lib/db';

// Route every write to stdout (console.log, pino logs, library chatter) to stderr before
// any app module loads: the token must be the only thing on stdout. pino notices the
// replaced `write` and logs through it instead of opening fd 1 directly.
const writeResult = process.stdout.write.bind(process.stdout);
process.stdout.write = ((...args: Parameters<typeof process.stderr.write>) =>
  process.stderr.write(...args)) as typeof process.stdout.write;

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const USAGE = `usage: seed.ts create-service-account --namespace <id> --user-id <id> [--description <text>] [--expires-in-days <N>]
       seed.ts create-route --namespace <id> --name <name> --from <https-url> --to <url> [--policy-file <ppl.yaml>]...
       seed.ts create-verifier --name <name>
       seed.ts create-service-accounts --namespace <id> --user-id-prefix <prefix> --count <N>
       seed.ts revoke-service-accounts            (account ids on stdin, one a line)

  create-verifier adds a verifier and prints its credential (VERIFIER_CREDENTIAL), once.

  create-service-accounts (for benchmarks) makes N accounts <prefix>-1 … <prefix>-N that
  never expire and prints "<account id> <token>" for each, one a line.

  revoke-service-accounts (for benchmarks) revokes each account id read from stdin, in
  order, and once each revocation has committed prints "<account id> <epoch ms>" (the
  time it learnt of the commit, with sub-millisecond decimals).

  create-route makes one optional policy per --policy-file (named after the file) in the
  namespace, then the route using them, and prints the route id.

  Creates a service account acting as the console user named by ADMIN_EMAIL (created as
  an administrator when missing, which needs ADMIN_PASSWORD) or else the first
  administrator (Admin grant on Global), and prints its JWT, once, on stdout.`;

/** Set once a command opens the database, so main() closes it (and only then). */
let databaseUsed = false;

const EXPIRATION_PRESET_DAYS = new Set(['7', '30', '60', '90']);

/** A command's `--name value` options; anything else (unknown options, positionals) is a usage error. */
function parseOptions<const O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values;
}

/** The console's administrator to act as, from the database the server uses (opened here, closed by main()). */
async function openAsAdmin(): Promise<Actor> {
  const { getPrisma } = await import('@/lib/db');
  databaseUsed = true;
  return adminActor(await getPrisma());
}

/** argv → the input of createServiceAccountSchema (validated by the schema itself). */
function createServiceAccountInput(argv: string[]) {
  const values = parseOptions(argv, {
    namespace: { type: 'string' },
    'user-id': { type: 'string' },
    description: { type: 'string' },
    'expires-in-days': { type: 'string' },
  });
  if (!values.namespace) throw new CliError('--namespace is required (e.g. --namespace global)', 2);
  if (values['user-id'] === undefined) throw new CliError('--user-id is required', 2);

  // The schema speaks the form's language: a preset, or "custom" with an instant.
  let expiration: string = 'never';
  let customExpiresAt: string | undefined;
  const days = values['expires-in-days'];
  if (days !== undefined) {
    if (!/^[1-9][0-9]{0,4}$/.test(days))
      throw new CliError('--expires-in-days must be a whole number of days, 1 or more', 1);
    if (EXPIRATION_PRESET_DAYS.has(days)) expiration = days;
    else {
      expiration = 'custom';
      customExpiresAt = new Date(Date.now() + Number(days) * 24 * 60 * 60 * 1000).toISOString();
    }
  }
  return {
    namespaceId: values.namespace,
    kind: 'service',
    userId: values['user-id'],
    description: values.description,
    expiration,
    customExpiresAt,
  };
}

/** One line from a zod error: "userId: Use only letters, …; description: …". */
function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/**
 * The console user the seeder acts as. ADMIN_EMAIL names it (created as an administrator,
 * like the server does at start, when it does not exist yet and ADMIN_PASSWORD is set);
 * without ADMIN_EMAIL, the first user with an Admin grant on Global. The DAL checks the
 * actor's grants as for any console user: an existing user is never promoted.
 */
async function adminActor(prisma: Db): Promise<Actor> {
  const envEmail = process.env.ADMIN_EMAIL;
  if (envEmail) {
    const parsed = z.string().trim().toLowerCase().pipe(z.email()).safeParse(envEmail);
    if (!parsed.success) throw new CliError('ADMIN_EMAIL is not a valid e-mail address', 2);
    const email = parsed.data;
    const existing = await prisma.user.findUnique({ where: { email }, select: { id: true } });
    if (!existing) {
      const password = process.env.ADMIN_PASSWORD;
      const { ensureAdminFromEnv } = await import('@/lib/dal/users');
      if (!password)
        throw new CliError(`ADMIN_EMAIL (${email}) is not a console user yet: set ADMIN_PASSWORD to create it`, 2);
      await ensureAdminFromEnv(email, password);
      console.error(`seed: created administrator ${email}`);
    }
    const { actorForCli } = await import('@/lib/dal/users');
    const user = await prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
    const actor = await actorForCli(user.id);
    if (!actor) throw new CliError(`ADMIN_EMAIL (${email}) could not be loaded`, 2);
    // Permission is checked by the data-access layer itself, as for any console user.
    return actor;
  }
  const first = await prisma.grant.findFirst({
    where: { namespaceId: 'global', role: 'admin', userId: { not: null } },
    orderBy: { createdAt: 'asc' },
    select: { userId: true },
  });
  const { actorForCli } = await import('@/lib/dal/users');
  const actor = first?.userId ? await actorForCli(first.userId) : null;
  if (!actor) {
    throw new CliError(
      'no administrator exists yet: finish the console setup first, or set ADMIN_EMAIL and ADMIN_PASSWORD to create one',
      2,
    );
  }
  return actor;
}

async function createServiceAccountCommand(argv: string[]): Promise<string> {
  const { createServiceAccountSchema } = await import('@/lib/schemas/service-account');
  const input = createServiceAccountSchema.parse(createServiceAccountInput(argv));
  const actor = await openAsAdmin();
  const { createServiceAccount } = await import('@/lib/dal/service-accounts');
  const { account, token } = await createServiceAccount(actor, input);
  // The account id is not secret and helps whoever runs the seeder; the token is never logged.
  console.error(
    `seed: created service account ${account.id} (user id ${account.userId}, namespace ${account.namespaceId})`,
  );
  return token;
}

async function createRouteCommand(argv: string[]): Promise<string> {
  const values = parseOptions(argv, {
    namespace: { type: 'string' },
    name: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'policy-file': { type: 'string', multiple: true },
  });
  if (!values.namespace || !values.name || !values.from || !values.to)
    throw new CliError('--namespace, --name, --from and --to are required', 2);
  const { readFileSync } = await import('node:fs');
  const path = await import('node:path');
  const { policyFormSchema } = await import('@/lib/schemas/policy');
  const { routeFormSchema } = await import('@/lib/schemas/route');
  const policies = (values['policy-file'] ?? []).map((file) =>
    policyFormSchema.parse({
      name: path.basename(file).replace(/\.[^.]+$/, ''),
      description: '',
      enforced: false,
      explanation: '',
      remediation: '',
      ppl: readFileSync(file, 'utf8'),
    }),
  );
  const actor = await openAsAdmin();
  const { createPolicy } = await import('@/lib/dal/policies');
  const { createRoute } = await import('@/lib/dal/routes');
  const policyIds: string[] = [];
  for (const p of policies) policyIds.push((await createPolicy(actor, values.namespace, p)).id);
  const route = await createRoute(
    actor,
    values.namespace,
    routeFormSchema.parse({ name: values.name, from: values.from, to: values.to, policyIds }),
  );
  console.error(`seed: created route ${route.id} with ${policyIds.length} policies`);
  return route.id;
}

async function createVerifierCommand(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: { name: { type: 'string' } },
  });
  if (values.name === undefined) throw new CliError('--name is required', 2);
  const { verifierNameSchema } = await import('@/lib/schemas/verifier');
  const { name } = verifierNameSchema.parse({ name: values.name });
  const { getPrisma } = await import('@/lib/db');
  databaseUsed = true;
  const actor = await adminActor(await getPrisma());
  const { createVerifier } = await import('@/lib/dal/verifiers');
  const verifier = await createVerifier(actor, name);
  // The id helps whoever runs the seeder; the credential goes to stdout only.
  console.error(`seed: created verifier ${verifier.id} (${verifier.name})`);
  return verifier.credential;
}

/** Writes one result line to stdout at once (for commands that stream their results). */
const writeLine = (line: string) =>
  new Promise<void>((resolve, reject) => writeResult(`${line}\n`, (err) => (err ? reject(err) : resolve())));

async function createServiceAccountsCommand(argv: string[]): Promise<null> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: { namespace: { type: 'string' }, 'user-id-prefix': { type: 'string' }, count: { type: 'string' } },
  });
  if (!values.namespace || !values['user-id-prefix'] || !values.count)
    throw new CliError('--namespace, --user-id-prefix and --count are required', 2);
  if (!/^[1-9][0-9]{0,4}$/.test(values.count)) throw new CliError('--count must be a whole number, 1 to 99999', 1);
  const { createServiceAccountSchema } = await import('@/lib/schemas/service-account');
  const inputs = Array.from({ length: Number(values.count) }, (_, i) =>
    createServiceAccountSchema.parse(
      createServiceAccountInput([
        '--namespace',
        values.namespace!,
        '--user-id',
        `${values['user-id-prefix']}-${i + 1}`,
        '--description',
        'created by bench/seed.ts create-service-accounts',
      ]),
    ),
  );
  const { getPrisma } = await import('@/lib/db');
  databaseUsed = true;
  const actor = await adminActor(await getPrisma());
  const { createServiceAccount } = await import('@/lib/dal/service-accounts');
  for (const input of inputs) {
    const { account, token } = await createServiceAccount(actor, input);
    await writeLine(`${account.id} ${token}`);
  }
  console.error(`seed: created ${inputs.length} service accounts`);
  return null;
}

async function revokeServiceAccountsCommand(argv: string[]): Promise<null> {
  parseArgs({ args: argv, strict: true, allowPositionals: false, options: {} });
  const { getPrisma } = await import('@/lib/db');
  databaseUsed = true;
  const actor = await adminActor(await getPrisma());
  const { revokeServiceAccount } = await import('@/lib/dal/service-accounts');
  const readline = await import('node:readline');
  let count = 0;
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const id = line.trim();
    if (!id) continue;
    await revokeServiceAccount(actor, id);
    // Read right after the transaction's promise settles, i.e. just after the commit.
    await writeLine(`${id} ${(performance.timeOrigin + performance.now()).toFixed(3)}`);
    count++;
  }
  console.error(`seed: revoked ${count} service accounts`);
  return null;
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  try {
    // null: the command wrote its results itself, line by line.
    let result: string | null;
    switch (command) {
      case 'create-service-account':
        result = await createServiceAccountCommand(rest);
        break;
      case 'create-route':
        result = await createRouteCommand(rest);
        break;
      case 'create-verifier':
        result = await createVerifierCommand(rest);
        break;
      case 'create-service-accounts':
        result = await createServiceAccountsCommand(rest);
        break;
      case 'revoke-service-accounts':
        result = await revokeServiceAccountsCommand(rest);
        break;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.error(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new CliError(`unknown command "${command}"\n${USAGE}`, 2);
    }
    if (result !== null) await writeLine(result);
    return 0;
  } catch (err) {
    const { AppError } = await import('@/lib/dal/errors');
    if (err instanceof CliError) {
      console.error(`seed: ${err.message}`);
      return err.exitCode;
    }
    if (err instanceof z.ZodError) {
      console.error(`seed: invalid input: ${describeZodError(err)}`);
      return 1;
    }
    if (err instanceof AppError) {
      // The message alone: the field texts repeat it in the form's words.
      console.error(`seed: ${err.message}`);
      return 1;
    }
    // parseArgs throws TypeErrors with codes such as ERR_PARSE_ARGS_UNKNOWN_OPTION.
    if ((err as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`seed: ${(err as Error).message}\n${USAGE}`);
      return 2;
    }
    console.error(`seed: failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    // Closing lets PGlite flush to DATA_DIR before a server opens the same directory.
    if (databaseUsed) {
      const { getDatabase } = await import('@/lib/db');
      await getDatabase()
        .then((db) => db.close())
        .catch(() => undefined);
    }
  }
}

// Exit explicitly: pools, pollers or log streams must not keep a finished seeder alive.
main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`seed: failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
