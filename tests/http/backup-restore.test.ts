// npm run backup / restore round trip on both databases, against the production build: seed
// accounts (some revoked, some disabled), routes and policies; back up while the server serves
// verify traffic; restore into an empty target; a server started on it answers a table of
// tokens exactly as the first one did (status, body, identity headers, the assertion's claims
// and signing key).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Seeded } from '../support/backup-seed';
import { createScratchDatabase, dropScratchDatabase } from '../support/scratch-database.mjs';
import { type RunningServer, startServer } from '../support/server';

const SECRET = process.env.SECRET_KEY!;
const WRONG = 'another-secret-key-that-is-long-enough-000000';
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const tempDir = (label: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), `postern-${label}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** `node <args>` with this environment on top of the test's; exit code and output. */
function node(args: string[], env: Record<string, string | undefined>) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

async function seed(env: Record<string, string>): Promise<Seeded> {
  const file = path.join(tempDir('seed'), 'seeded.json');
  const r = await node(['--conditions=react-server', '--import', 'tsx', 'tests/support/backup-seed.ts', file], env);
  expect(r.code, r.out).toBe(0);
  return JSON.parse(readFileSync(file, 'utf8')) as Seeded;
}

const script = (command: 'backup' | 'restore', args: string[], env: Record<string, string | undefined>) =>
  node(['--import', 'tsx', 'scripts/backup.ts', command, ...args], env);

interface Answer {
  status: number;
  body: string;
  identity: Record<string, string | null>;
  assertion: { kid?: string; claims: Record<string, unknown> } | null;
}

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;

async function answer(res: Response): Promise<Answer> {
  const jwt = res.headers.get('x-pomerium-jwt-assertion');
  let assertion: Answer['assertion'] = null;
  if (jwt) {
    const [h, p] = jwt.split('.') as [string, string];
    // iat/nbf/exp/jti change per answer; who, for whom, the issuer and the signing key must not.
    const { iat: _i, nbf: _n, exp: _e, jti: _j, ...claims } = decode(p);
    assertion = { kid: decode(h).kid as string, claims };
  }
  const identity = Object.fromEntries(
    ['x-pomerium-claim-sub', 'x-pomerium-service-account-id', 'x-pomerium-claim-email', 'x-pomerium-claim-groups'].map(
      (n) => [n, res.headers.get(n)],
    ),
  );
  return { status: res.status, body: await res.text(), identity, assertion };
}

/** The table: every token (and none, and garbage) at the token endpoint and at forward-auth for each route. */
async function table(server: RunningServer, seeded: Seeded): Promise<Record<string, Answer>> {
  const tokens: Record<string, string | null> = {
    ...seeded.tokens,
    none: null,
    garbage: 'eyJhbGciOiJFUzI1NiJ9.e30.AAAA',
  };
  const out: Record<string, Answer> = {};
  for (const [name, token] of Object.entries(tokens)) {
    const auth: Record<string, string> = token ? { authorization: `Bearer Pomerium-${token}` } : {};
    out[`verify ${name}`] = await answer(await fetch(`${server.url}/api/v1/verify`, { headers: auth }));
    for (const [route, host] of Object.entries(seeded.hosts)) {
      out[`forward-auth ${route} ${name}`] = await answer(
        await fetch(`${server.url}/api/v1/verify/forward-auth`, {
          headers: {
            ...auth,
            'x-forwarded-method': 'GET',
            'x-forwarded-proto': 'https',
            'x-forwarded-host': host,
            'x-forwarded-uri': '/some/path?q=1',
          },
        }),
      );
    }
  }
  return out;
}

/** Verify traffic while `during` runs: every status seen. */
async function underTraffic<T>(server: RunningServer, token: string, during: () => Promise<T>) {
  let stop = false;
  const statuses: number[] = [];
  const loops = Array.from({ length: 4 }, async () => {
    while (!stop) {
      const res = await fetch(`${server.url}/api/v1/verify`, {
        headers: { authorization: `Bearer Pomerium-${token}` },
      });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
  });
  try {
    return { result: await during(), statuses };
  } finally {
    stop = true;
    await Promise.all(loops);
  }
}

function expectSane(before: Record<string, Answer>) {
  // The table means something: allowed, revoked, disabled and policy-denied answers all occur.
  expect(before['verify active']!.status).toBe(200);
  expect(before['verify re-enabled']!.status).toBe(200);
  expect(before['verify revoked']!.status).toBe(401);
  expect(before['verify disabled']!.status).not.toBe(200);
  expect(before['forward-auth only active-team']!.status).toBe(200);
  expect(before['forward-auth only active']!.status).toBe(403);
  expect(before['forward-auth closed active']!.status).toBe(403);
  expect(before['verify active']!.assertion?.kid).toBeTruthy();
}

describe('backup and restore', () => {
  it('PostgreSQL: pg_dump while serving, pg_restore into an empty database, identical answers', async () => {
    const source = process.env.DATABASE_URL!;
    const seeded = await seed({ DATABASE_URL: source });
    const a = await startServer({ DATABASE_URL: source, SECRET_KEY: SECRET });
    cleanups.push(() => a.stop());
    // No BACKUP_TOKEN on the server: the endpoint does not exist.
    expect((await fetch(`${a.url}/api/v1/backup`)).status).toBe(404);
    const before = await table(a, seeded);
    expectSane(before);

    const file = path.join(tempDir('bak'), 'pg.postern-backup');
    const { result: made, statuses } = await underTraffic(a, seeded.tokens.active!, () =>
      script('backup', [file], { DATABASE_URL: source, SECRET_KEY: SECRET }),
    );
    expect(made.code, made.out).toBe(0);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(readFileSync(file).subarray(0, 17).toString()).toBe('POSTERN-BACKUP 1\n');

    const name = `postern_test_restore_${randomBytes(4).toString('hex')}`;
    const target = await createScratchDatabase(name);
    cleanups.push(() => dropScratchDatabase(name));
    const wrong = await script('restore', [file], { DATABASE_URL: target, SECRET_KEY: WRONG });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('wrong secret key');
    const restored = await script('restore', [file], { DATABASE_URL: target, SECRET_KEY: SECRET });
    expect(restored.code, restored.out).toBe(0);
    const again = await script('restore', [file], { DATABASE_URL: target, SECRET_KEY: SECRET });
    expect(again.code).toBe(1);
    expect(again.out).toContain('is not empty');

    // The restored console keeps its public URL (the issuer of its assertions).
    const b = await startServer({ DATABASE_URL: target, SECRET_KEY: SECRET, POSTERN_URL: a.url, NEXTAUTH_URL: a.url });
    cleanups.push(() => b.stop());
    expect(await table(b, seeded)).toEqual(before);
  }, 240_000);

  it('embedded PGlite: the running server takes the snapshot, restore into an empty DATA_DIR, identical answers', async () => {
    const dirA = tempDir('pglite-a');
    const seeded = await seed({ DATABASE_URL: '', DATA_DIR: dirA, SECRET_KEY: SECRET });
    const backupToken = randomBytes(24).toString('base64url');
    const a = await startServer({ DATABASE_URL: '', DATA_DIR: dirA, SECRET_KEY: SECRET, BACKUP_TOKEN: backupToken });
    cleanups.push(() => a.stop());
    expect((await fetch(`${a.url}/api/v1/backup`)).status).toBe(401);
    expect((await fetch(`${a.url}/api/v1/backup`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const before = await table(a, seeded);
    expectSane(before);

    const file = path.join(tempDir('bak'), 'pglite.postern-backup');
    const env = { DATABASE_URL: '', DATA_DIR: dirA, SECRET_KEY: SECRET };
    const untokened = await script('backup', [file, '--url', a.url], { ...env, BACKUP_TOKEN: '' });
    expect(untokened.code).toBe(1);
    expect(untokened.out).toContain('BACKUP_TOKEN is not set');
    const { result: made, statuses } = await underTraffic(a, seeded.tokens.active!, () =>
      script('backup', [file, '--url', a.url], { ...env, BACKUP_TOKEN: backupToken }),
    );
    expect(made.code, made.out).toBe(0);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses).toContain(200);

    // Into an empty DATA_DIR: the key is refused when wrong or missing, taken from --secret-key-file.
    const dirB = tempDir('pglite-b');
    const target = { DATABASE_URL: '', DATA_DIR: dirB };
    const wrong = await script('restore', [file], { ...target, SECRET_KEY: WRONG });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('wrong secret key');
    const missing = await script('restore', [file], { ...target, SECRET_KEY: '' });
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('none is here');
    expect(existsSync(path.join(dirB, 'pglite'))).toBe(false);
    const keyFile = path.join(tempDir('key'), 'secret.key');
    writeFileSync(keyFile, `${SECRET}\n`, { mode: 0o600 });
    const restored = await script('restore', [file, '--secret-key-file', keyFile], { ...target, SECRET_KEY: '' });
    expect(restored.code, restored.out).toBe(0);
    expect(readFileSync(path.join(dirB, 'secret.key'), 'utf8').trim()).toBe(SECRET);
    const again = await script('restore', [file], { ...target, SECRET_KEY: '' });
    expect(again.code).toBe(1);
    expect(again.out).toContain('already holds a database');

    const b = await startServer({ ...target, SECRET_KEY: '', POSTERN_URL: a.url, NEXTAUTH_URL: a.url });
    cleanups.push(() => b.stop());
    expect(await table(b, seeded)).toEqual(before);
  }, 240_000);

  it('embedded PGlite, no server: --offline backup, a damaged file refused, --force keeps the old directory', async () => {
    const dirA = tempDir('pglite-off');
    const env = { DATABASE_URL: '', DATA_DIR: dirA, SECRET_KEY: SECRET };
    await seed(env);
    const file = path.join(tempDir('bak'), 'offline.postern-backup');
    const made = await script('backup', [file, '--offline'], env);
    expect(made.code, made.out).toBe(0);
    expect(made.out).toContain('NOT in the file');
    const overwrite = await script('backup', [file, '--offline'], env);
    expect(overwrite.code).toBe(1);
    expect(overwrite.out).toContain('exists');
    // A key that does not open the signing keys is refused before anything is written.
    const wrongKey = await script('backup', [`${file}-2`, '--offline'], { ...env, SECRET_KEY: WRONG });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.out).toContain('does not open');
    expect(existsSync(`${file}-2`)).toBe(false);

    const dirB = tempDir('pglite-off-b');
    const target = { DATABASE_URL: '', DATA_DIR: dirB, SECRET_KEY: SECRET };
    const damaged = `${file}.damaged`;
    writeFileSync(damaged, readFileSync(file).subarray(0, 100_000));
    const refused = await script('restore', [damaged], target);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('checksum does not match');
    expect(existsSync(path.join(dirB, 'pglite'))).toBe(false);

    expect((await script('restore', [file], target)).code).toBe(0);
    const forced = await script('restore', [file, '--force'], target);
    expect(forced.code, forced.out).toBe(0);
    expect(readdirSync(dirB).filter((n) => n.startsWith('pglite.replaced-'))).toHaveLength(1);
    expect(readdirSync(path.join(dirB, 'pglite')).length).toBeGreaterThan(0);
  }, 120_000);
});
