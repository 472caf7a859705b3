#!/usr/bin/env -S node --import tsx
// Backup and restore of Postern's database (README, "Backup and restore"):
//
//   npm run backup  -- <file> [--url <console URL>] [--offline]
//   npm run restore -- <file> [--force] [--secret-key-file <path>]
//
// It uses the server's environment: DATABASE_URL (PostgreSQL) or DATA_DIR (embedded PGlite),
// and SECRET_KEY or DATA_DIR/secret.key.
//
// - PostgreSQL: pg_dump (custom format, one consistent snapshot, safe while servers run);
//   restore with pg_restore into an empty database.
// - Embedded PGlite: only the process holding DATA_DIR may open it, so while the server runs
//   the backup asks it (GET /api/v1/backup with BACKUP_TOKEN, as set on the server); with
//   --offline (no server on DATA_DIR) it opens the directory itself. Restore fills an empty
//   DATA_DIR/pglite; start the server afterwards (it applies newer migrations).
//
// The secret key is NOT in the backup (back it up separately). The file records its
// fingerprint, and restore refuses a key that does not match.
//
// File format: the line "POSTERN-BACKUP 1", one line of JSON (BackupHeader), then the payload
// (tar.gz of the PGlite data directory, or a pg_dump custom-format archive).
//
// Exit codes: 0 done; 1 refused or failed (the message says why); 2 usage error.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { chmod, mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { deriveKey, openSecret } from '../lib/tokens/crypto-box';
import { keyFingerprint, readSecretIfPresent } from '../lib/tokens/key-fingerprint';
import { MIN_SECRET_LENGTH } from '../lib/tokens/secret-file';

const MAGIC = 'POSTERN-BACKUP 1';
const MIGRATIONS_DIR = path.join(process.cwd(), 'prisma', 'migrations');

export interface BackupHeader {
  format: 1;
  database: 'pglite' | 'postgres';
  createdAt: string;
  /** lib/tokens/key-fingerprint.ts of the root secret the signing keys are sealed with. */
  keyFingerprint: string;
  /** The newest migration applied in the backed-up database. */
  schema: string;
  payload: { encoding: 'tar.gz' | 'pg_dump-custom'; bytes: number; sha256: string };
}

class Refusal extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const USAGE = `usage: npm run backup  -- <file> [--url <console URL>] [--offline]
       npm run restore -- <file> [--force] [--secret-key-file <path>]

  The environment is the server's: DATABASE_URL (PostgreSQL) or DATA_DIR (embedded), and
  SECRET_KEY or DATA_DIR/secret.key. The secret key is not in the backup: keep it separately.

  backup, PostgreSQL   pg_dump of DATABASE_URL (safe while servers run)
  backup, embedded     asks the running server (GET <url>/api/v1/backup, Authorization: Bearer
                       $BACKUP_TOKEN; --url defaults to POSTERN_URL, else http://localhost:3000);
                       --offline opens DATA_DIR itself: only when no server runs on it
  restore              into an empty DATA_DIR/pglite or an empty database; --force replaces a
                       non-empty one (the old PGlite directory is moved aside, not deleted;
                       PostgreSQL's public schema is dropped). The secret key must match the
                       backup's fingerprint: SECRET_KEY, DATA_DIR/secret.key, or
                       --secret-key-file (copied to DATA_DIR/secret.key)`;

const env = {
  databaseUrl: process.env.DATABASE_URL || undefined,
  dataDir: path.resolve(process.env.DATA_DIR || './data'),
  secretKey: process.env.SECRET_KEY || undefined,
};

// ─── Small helpers ──────────────────────────────────────────────────────────────────────

function latestLocalMigration(): string {
  const names = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  return names.at(-1) ?? '';
}

/** Runs a program, stderr captured for the error message; stdout ignored. */
function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...extraEnv } });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.once('error', (e) =>
      reject(
        new Refusal(
          (e as NodeJS.ErrnoException).code === 'ENOENT'
            ? `${cmd} is not installed: install the PostgreSQL client (e.g. apt-get install postgresql-client)`
            : `${cmd}: ${e.message}`,
        ),
      ),
    );
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Refusal(`${cmd} failed (exit ${code}):\n${err.trim()}`)),
    );
  });
}

/** The URL for pg_dump/pg_restore without its password (which goes in PGPASSWORD, not on a command line `ps` shows). */
function libpqTarget(url: string): { dbname: string; env: Record<string, string> } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  u.searchParams.delete('schema'); // Prisma's parameter, unknown to libpq
  return { dbname: u.toString(), env: password ? { PGPASSWORD: password } : {} };
}

async function withPg<T>(url: string, fn: (c: import('pg').Client) => Promise<T>): Promise<T> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Proves the key opens this database's signing keys: a fingerprint of the wrong key is worse than none. */
function checkKeyOpens(secret: string, sealed: string[], where: string): void {
  const key = deriveKey(secret);
  for (const s of sealed) {
    try {
      openSecret(s, key);
    } catch {
      throw new Refusal(
        `the secret key here (SECRET_KEY or ${path.join(env.dataDir, 'secret.key')}) does not open ${where}'s ` +
          'signing keys: run the backup with the same SECRET_KEY / DATA_DIR as the server',
      );
    }
  }
}

function secretForBackup(): string {
  const secret = readSecretIfPresent({ envValue: env.secretKey, dataDir: env.dataDir });
  if (!secret)
    throw new Refusal(
      `no secret key: set SECRET_KEY or DATA_DIR (holding secret.key) as for the server; the backup records which key it needs`,
    );
  return secret;
}

/** header line + payload file → `file`, written under a temporary name first, mode 0600. */
async function writeBackupFile(
  file: string,
  header: Omit<BackupHeader, 'payload'>,
  payloadFile: string,
  encoding: BackupHeader['payload']['encoding'],
) {
  const digest = await sha256File(payloadFile);
  const full: BackupHeader = { ...header, payload: { encoding, ...digest } };
  const partial = `${file}.partial-${randomBytes(4).toString('hex')}`;
  const out = createWriteStream(partial, { mode: 0o600 });
  out.write(`${MAGIC}\n${JSON.stringify(full)}\n`);
  await pipeline(createReadStream(payloadFile), out);
  renameSync(partial, file);
  return full;
}

async function readHeader(file: string): Promise<{ header: BackupHeader; payloadOffset: number }> {
  const fh = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new Refusal(e.code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file}: ${e.message}`);
  });
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    const first = head.indexOf(10);
    const second = first < 0 ? -1 : head.indexOf(10, first + 1);
    if (first < 0 || second < 0 || head.subarray(0, first).toString() !== MAGIC)
      throw new Refusal(`${file} is not a Postern backup (made by npm run backup)`);
    let header: BackupHeader;
    try {
      header = JSON.parse(head.subarray(first + 1, second).toString('utf8')) as BackupHeader;
    } catch {
      throw new Refusal(`${file}: the backup's header is damaged`);
    }
    if (header.format !== 1 || !['pglite', 'postgres'].includes(header.database) || !header.keyFingerprint)
      throw new Refusal(`${file}: unknown backup format`);
    return { header, payloadOffset: second + 1 };
  } finally {
    await fh.close();
  }
}

// ─── Backup ─────────────────────────────────────────────────────────────────────────────

async function backupPostgres(file: string, work: string) {
  const url = env.databaseUrl!;
  const secret = secretForBackup();
  const { schema, sealed } = await withPg(url, async (c) => {
    const m = await c.query<{ name: string | null }>(
      `SELECT max(migration_name) AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const k = await c.query<{ s: string }>('SELECT private_sealed AS s FROM signing_keys');
    return { schema: m.rows[0]?.name ?? '', sealed: k.rows.map((r) => r.s) };
  });
  checkKeyOpens(secret, sealed, 'the database');
  const dump = path.join(work, 'dump');
  // One transaction (a consistent snapshot) while the servers go on; no owners or grants,
  // so it restores into a database owned by another role.
  const target = libpqTarget(url);
  await run(
    'pg_dump',
    ['--format=custom', '--no-owner', '--no-privileges', `--file=${dump}`, `--dbname=${target.dbname}`],
    target.env,
  );
  return writeBackupFile(
    file,
    {
      format: 1,
      database: 'postgres',
      createdAt: new Date().toISOString(),
      keyFingerprint: keyFingerprint(secret),
      schema,
    },
    dump,
    'pg_dump-custom',
  );
}

async function backupEmbeddedOnline(file: string, work: string, baseUrl: string) {
  const token = process.env.BACKUP_TOKEN;
  if (!token)
    throw new Refusal(
      'BACKUP_TOKEN is not set: set it to the value the server was started with (the server answers ' +
        'GET /api/v1/backup only then), or, when no server runs on DATA_DIR, use --offline',
    );
  const url = `${baseUrl.replace(/\/+$/, '')}/api/v1/backup`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  } catch (e) {
    throw new Refusal(
      `no server answers at ${baseUrl} (${(e as Error).cause ?? (e as Error).message}): pass --url, or, ` +
        'when no server runs on DATA_DIR, use --offline',
    );
  }
  if (res.status === 404)
    throw new Refusal(`${url} answered 404: start the server with BACKUP_TOKEN set to turn the backup endpoint on`);
  if (res.status === 401) throw new Refusal(`${url} refused BACKUP_TOKEN (401): it is not the server's`);
  if (res.status === 409)
    throw new Refusal('the server runs on PostgreSQL: run the backup with its DATABASE_URL (pg_dump)');
  if (!res.ok || !res.body) throw new Refusal(`${url} answered ${res.status}: ${(await res.text()).trim()}`);
  const keyFp = res.headers.get('x-postern-key-fingerprint') ?? '';
  if (!/^[0-9a-f]{32}$/.test(keyFp)) throw new Refusal(`${url} did not say which secret key the data needs`);
  const tarball = path.join(work, 'pglite.tar.gz');
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(tarball));
  const expected = Number(res.headers.get('content-length'));
  if (expected && (await stat(tarball)).size !== expected) throw new Refusal('the download was cut short; try again');
  return writeBackupFile(
    file,
    {
      format: 1,
      database: 'pglite',
      createdAt: new Date().toISOString(),
      keyFingerprint: keyFp,
      schema: res.headers.get('x-postern-schema') ?? '',
    },
    tarball,
    'tar.gz',
  );
}

function pgliteDir(): string {
  return path.join(env.dataDir, 'pglite');
}

const isEmptyDir = (dir: string) => !existsSync(dir) || readdirSync(dir).length === 0;

async function backupEmbeddedOffline(file: string, work: string) {
  const dir = pgliteDir();
  if (isEmptyDir(dir)) throw new Refusal(`${dir} holds no database: nothing to back up (is DATA_DIR right?)`);
  const secret = secretForBackup();
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite(dir);
  try {
    await db.waitReady;
    const m = await db.query<{ name: string | null }>(
      `SELECT max(migration_name) AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const k = await db.query<{ s: string }>('SELECT private_sealed AS s FROM signing_keys');
    checkKeyOpens(
      secret,
      k.rows.map((r) => r.s),
      dir,
    );
    await db.exec('CHECKPOINT');
    const tarball = path.join(work, 'pglite.tar.gz');
    await writeFile(tarball, Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer()));
    return writeBackupFile(
      file,
      {
        format: 1,
        database: 'pglite',
        createdAt: new Date().toISOString(),
        keyFingerprint: keyFingerprint(secret),
        schema: m.rows[0]?.name ?? '',
      },
      tarball,
      'tar.gz',
    );
  } finally {
    await db.close();
  }
}

async function backup(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { url: { type: 'string' }, offline: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new Refusal(USAGE, 2);
  const file = path.resolve(positionals[0]!);
  if (existsSync(file)) throw new Refusal(`${file} exists: choose a new file name (a backup never overwrites one)`);
  await mkdir(path.dirname(file), { recursive: true });
  const work = path.join(tmpdir(), `postern-backup-${randomBytes(6).toString('hex')}`);
  await mkdir(work, { mode: 0o700 });
  try {
    let header: BackupHeader;
    if (env.databaseUrl) {
      if (values.offline || values.url) throw new Refusal('--url and --offline are for the embedded database only', 2);
      header = await backupPostgres(file, work);
    } else if (values.offline) header = await backupEmbeddedOffline(file, work);
    else
      header = await backupEmbeddedOnline(
        file,
        work,
        values.url ?? process.env.POSTERN_URL ?? process.env.NEXTAUTH_URL ?? 'http://localhost:3000',
      );
    console.log(
      `backup: wrote ${file} (${header.database}, ${header.payload.bytes} bytes, schema ${header.schema || 'none'})\n` +
        `backup: it needs the secret key with fingerprint ${header.keyFingerprint}, which is NOT in the file: ` +
        'keep SECRET_KEY or DATA_DIR/secret.key safe separately',
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// ─── Restore ────────────────────────────────────────────────────────────────────────────

/** The secret the restored data will be opened with; checked against the backup's fingerprint. */
async function secretForRestore(header: BackupHeader, keyFile: string | undefined): Promise<void> {
  const target = path.join(env.dataDir, 'secret.key');
  let fromFile: string | null = null;
  if (keyFile) {
    fromFile = (await readFile(keyFile, 'utf8').catch(() => '')).trim();
    if (fromFile.length < MIN_SECRET_LENGTH) throw new Refusal(`${keyFile} does not hold a secret key`);
  }
  const present = readSecretIfPresent({ envValue: env.secretKey, dataDir: env.dataDir });
  const secret = present ?? fromFile;
  if (!secret)
    throw new Refusal(
      `this backup needs the secret key with fingerprint ${header.keyFingerprint}, and none is here: put the ` +
        `secret.key you kept at ${target}, pass --secret-key-file <it>, or set SECRET_KEY`,
    );
  const have = keyFingerprint(secret);
  if (have !== header.keyFingerprint || (fromFile && keyFingerprint(fromFile) !== header.keyFingerprint))
    throw new Refusal(
      `wrong secret key: this backup needs the key with fingerprint ${header.keyFingerprint}, the one here ` +
        `(${env.secretKey ? 'SECRET_KEY' : fromFile && !present ? keyFile : target}) has ` +
        `${fromFile && !present ? keyFingerprint(fromFile) : have}. Without the right key the signing keys ` +
        'cannot be decrypted and every issued token would have to be replaced. Nothing was restored.',
    );
  if (fromFile && !present) {
    await mkdir(env.dataDir, { recursive: true, mode: 0o700 });
    await writeFile(target, `${fromFile}\n`, { flag: 'wx', mode: 0o600 });
    console.log(`restore: wrote the secret key to ${target}`);
  }
}

/** The payload into its own file, its digest checked against the header. */
async function extractPayload(file: string, payloadOffset: number, header: BackupHeader, work: string) {
  const out = path.join(work, 'payload');
  const hash = createHash('sha256');
  let bytes = 0;
  const source = createReadStream(file, { start: payloadOffset });
  source.on('data', (c) => {
    hash.update(c as Buffer);
    bytes += (c as Buffer).length;
  });
  await pipeline(source, createWriteStream(out, { mode: 0o600 }));
  if (bytes !== header.payload.bytes || hash.digest('hex') !== header.payload.sha256)
    throw new Refusal(`${file} is damaged or truncated (its checksum does not match): nothing was restored`);
  return out;
}

async function restorePglite(payload: string, force: boolean) {
  const dir = pgliteDir();
  if (!isEmptyDir(dir)) {
    if (!force)
      throw new Refusal(
        `${dir} already holds a database: restore into an empty DATA_DIR, or pass --force to replace it ` +
          '(stop the server first; the old directory is kept beside it)',
      );
    const aside = `${dir}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(dir, aside);
    console.log(`restore: moved the existing database to ${aside}`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite(dir, { loadDataDir: new Blob([readFileSync(payload)]) });
  try {
    await db.waitReady;
    await db.query('SELECT count(*) FROM "_prisma_migrations"');
  } finally {
    await db.close();
  }
  await chmod(dir, 0o700);
}

async function restorePostgres(payload: string, force: boolean) {
  const url = env.databaseUrl!;
  const tables = await withPg(url, async (c) => {
    const r = await c.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%'`,
    );
    return Number(r.rows[0]?.n ?? 0);
  });
  if (tables > 0) {
    if (!force)
      throw new Refusal(
        `the database at DATABASE_URL is not empty (${tables} tables and other relations): restore into an ` +
          'empty database (createdb), or pass --force to drop its public schema first',
      );
    await withPg(url, (c) => c.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public'));
    console.log('restore: dropped the existing public schema');
  }
  // One transaction: a failed restore leaves the database as empty as it was.
  const target = libpqTarget(url);
  await run(
    'pg_restore',
    ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${target.dbname}`, payload],
    target.env,
  );
}

async function restore(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { force: { type: 'boolean' }, 'secret-key-file': { type: 'string' } },
  });
  if (positionals.length !== 1) throw new Refusal(USAGE, 2);
  const file = path.resolve(positionals[0]!);
  const { header, payloadOffset } = await readHeader(file);
  const target = env.databaseUrl ? 'postgres' : 'pglite';
  if (header.database !== target)
    throw new Refusal(
      `this is a backup of ${header.database === 'postgres' ? 'a PostgreSQL' : 'an embedded (PGlite)'} database; ` +
        `restore it with ${header.database === 'postgres' ? 'DATABASE_URL set' : 'DATABASE_URL unset (DATA_DIR)'}`,
    );
  const latest = latestLocalMigration();
  if (header.schema && header.schema > latest)
    throw new Refusal(
      `the backup's schema (${header.schema}) is newer than this Postern's (${latest}): restore it with the ` +
        'version that made it, or a newer one',
    );
  await secretForRestore(header, values['secret-key-file']);
  const work = path.join(tmpdir(), `postern-restore-${randomBytes(6).toString('hex')}`);
  await mkdir(work, { mode: 0o700 });
  try {
    const payload = await extractPayload(file, payloadOffset, header, work);
    if (target === 'postgres') await restorePostgres(payload, Boolean(values.force));
    else await restorePglite(payload, Boolean(values.force));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  console.log(
    `restore: restored ${file} (taken ${header.createdAt}, schema ${header.schema || 'none'}); start the server: ` +
      'it applies any newer migrations',
  );
}

async function main() {
  const [command, ...argv] = process.argv.slice(2);
  if (command === 'backup') await backup(argv);
  else if (command === 'restore') await restore(argv);
  else throw new Refusal(USAGE, 2);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof Refusal) {
      console.error(err.exitCode === 2 ? err.message : `${process.argv[2] ?? 'backup'}: ${err.message}`);
      process.exit(err.exitCode);
    }
    if (err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(`${process.argv[2] ?? 'backup'}: failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
