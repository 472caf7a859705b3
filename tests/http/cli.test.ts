// The `postern` CLI as people and pipelines run it: the real binary (scripts/postern.mjs,
// which runs the bundle scripts/build-cli.mjs makes) as a child process, against the
// production server, with an API key made by the console's own data layer.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@/lib/dal/api-keys';
import { createDirectoryUser } from '@/lib/dal/directory';
import { createNamespace } from '@/lib/dal/namespaces';
import { createApiKeySchema } from '@/lib/schemas/api-key';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin } from '../support/actors';
import { uid } from '../support/helpers';
import { within } from '../support/poll';
import { traefikForwardAuth } from '../support/proxies';
import { startServer, type RunningServer } from '../support/server';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'scripts/postern.mjs');

let admin: Actor;
let server: RunningServer;
let apiKey: string;
let home: string;
let nsName: string;
let nsPath: string;
let host: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `postern <args>` in a clean environment of its own (its config under `home`), with `stdin` piped in. */
function postern(args: string[], { stdin = '', env = {} }: { stdin?: string; env?: Record<string, string> } = {}) {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: home, // anywhere: the bin finds its bundle by its own path
      env: {
        NODE_ENV: 'production',
        PATH: process.env.PATH,
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, 'config'),
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const ok = (r: Run) => {
  expect(r.stderr.includes('postern:') ? r.stderr : '', `exit ${r.code}`).toBe('');
  expect(r.code).toBe(0);
  return r;
};

const verifyToken = (token: string) =>
  fetch(`${server.url}/api/v1/verify`, { headers: { authorization: `Bearer Pomerium-${token}` } }).then(
    (r) => r.status,
  );
const onRoute = async (token: string) =>
  (await traefikForwardAuth(server.url, host, '/deploy', { authorization: `Bearer Pomerium-${token}` })).status;

beforeAll(async () => {
  // The bundle from this checkout's source, as `npm run build` makes it.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
  admin = await makeAdmin();
  server = await startServer({ DATABASE_URL: process.env.DATABASE_URL, SECRET_KEY: process.env.SECRET_KEY });
  apiKey = (await createApiKey(admin, createApiKeySchema.parse({ name: `cli-${uid()}`, roleCap: 'admin' }))).key;
  nsName = `cli-${uid()}`;
  await createNamespace(admin, 'global', nsName);
  nsPath = `Global/${nsName}`;
  host = `cli-${uid()}.example.com`;
  home = mkdtempSync(path.join(tmpdir(), 'postern-cli-home-'));
}, 180_000);

afterAll(async () => {
  await server?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('postern CLI against the server', () => {
  it('answers --help on the top, a group and a command, without a login', async () => {
    const top = ok(await postern(['--help']));
    expect(top.stdout).toContain('Usage: postern <command>');
    expect(top.stdout).toContain('Exit codes:');
    expect(ok(await postern(['sa', '--help'])).stdout).toMatch(/^ {2}create /m);
    expect(ok(await postern(['policy', 'apply', '--help'])).stdout).toContain('--dry-run');
    const bad = await postern(['sa', 'list', '--colour']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
  });

  it('refuses to run unlogged (3), and a wrong key at login and from the environment (3)', async () => {
    const unlogged = await postern(['sa', 'list']);
    expect(unlogged.code).toBe(3);
    expect(unlogged.stderr).toContain('not logged in');
    const wrong = 'postern_key_this-is-not-a-key';
    const login = await postern(['login', '--url', server.url, '--api-key', '-'], { stdin: `${wrong}\n` });
    expect(login.code).toBe(3);
    expect(login.stderr).not.toContain(wrong);
    expect(() => statSync(path.join(home, 'config/postern/config.json'))).toThrow();
    const env = await postern(['sa', 'list'], { env: { POSTERN_URL: server.url, POSTERN_API_KEY: wrong } });
    expect(env.code).toBe(3);
    expect(env.stdout).toBe('');
  });

  it('logs in with the key on stdin and keeps it readable by the user only', async () => {
    const r = ok(await postern(['login', '--url', server.url, '--api-key', '-'], { stdin: `${apiKey}\n` }));
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain(apiKey);
    expect(statSync(path.join(home, 'config/postern/config.json')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(home, 'config/postern')).mode & 0o777).toBe(0o700);
  });

  it('applies a policy twice: one policy, unchanged the second time, updated when the file changes', async () => {
    const file = path.join(home, 'policy.yaml');
    const manifest = (user: string) =>
      `name: allow-deployer\nnamespace: ${nsPath}\ndescription: The deploy job\nppl:\n  allow:\n    and:\n      - user: { is: ${user} }\n`;
    writeFileSync(file, manifest('deployer'));
    const first = ok(await postern(['policy', 'apply', '-f', file, '--output', 'json']));
    const [created] = JSON.parse(first.stdout);
    expect(created).toMatchObject({ action: 'created', name: 'allow-deployer' });
    const second = ok(await postern(['policy', 'apply', '-f', file, '--output', 'json']));
    expect(JSON.parse(second.stdout)).toEqual([{ ...created, action: 'unchanged' }]);
    const list = ok(await postern(['policy', 'list', '-n', nsPath, '--output', 'json']));
    expect(JSON.parse(list.stdout).filter((p: { name: string }) => p.name === 'allow-deployer')).toHaveLength(1);

    writeFileSync(file, manifest('deployer-2'));
    const third = ok(await postern(['policy', 'apply', '-f', file]));
    expect(third.stdout).toMatch(/updated\s+allow-deployer/);
    writeFileSync(file, manifest('deployer'));
    ok(await postern(['policy', 'apply', '-f', file]));
  });

  it('creates a route with the policy, mints an account whose printed JWT verifies, and revokes it', async () => {
    const route = ok(
      await postern([
        'route',
        'create',
        '-n',
        nsPath,
        '--name',
        'deploy',
        '--from',
        `https://${host}`,
        '--to',
        'http://127.0.0.1:9',
        '--policy',
        'allow-deployer',
      ]),
    );
    const routeId = route.stdout.trim();
    expect(routeId).toMatch(/^[0-9a-f-]{36}$/);

    const created = ok(
      await postern(['sa', 'create', '--namespace', nsPath, '--user-id', 'deployer', '--expires', '1d']),
    );
    expect(created.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = created.stdout.trim();
    expect(await verifyToken(token)).toBe(200);
    expect(await onRoute(token)).toBe(200);

    const listed = ok(await postern(['sa', 'list', '-n', nsPath, '--output', 'json']));
    const accounts = JSON.parse(listed.stdout) as { id: string; userId: string; state: string; expiresAt: string }[];
    const account = accounts.find((a) => a.userId === 'deployer');
    expect(account).toMatchObject({ state: 'active' });
    expect(Date.parse(account!.expiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    expect(ok(await postern(['sa', 'list', '-n', nsPath])).stdout).toMatch(/^ID\s+USER ID\s+NAMESPACE\s+STATE/);

    ok(await postern(['sa', 'disable', 'deployer']));
    expect(await within(async () => (await verifyToken(token)) === 401, 5_000, 50)).not.toBeNull();
    ok(await postern(['sa', 'enable', account!.id]));
    expect(await within(async () => (await verifyToken(token)) === 200, 5_000, 50)).not.toBeNull();

    ok(await postern(['sa', 'revoke', 'deployer']));
    expect(await within(async () => (await verifyToken(token)) === 401, 5_000, 50)).not.toBeNull();
    const again = await postern(['sa', 'revoke', 'deployer']);
    expect(again.code).toBe(4);

    const routes = JSON.parse(ok(await postern(['route', 'list', '-n', nsPath, '--output', 'json'])).stdout);
    expect(routes.map((r: { id: string }) => r.id)).toContain(routeId);
    ok(await postern(['route', 'delete', 'deploy', '-n', nsPath]));
    const after = JSON.parse(ok(await postern(['route', 'list', '-n', nsPath, '--output', 'json'])).stdout);
    expect(after.map((r: { id: string }) => r.id)).not.toContain(routeId);
  });

  it('answers a refusal with the problem on stderr and its exit code', async () => {
    const invalid = await postern(['sa', 'create', '-n', nsPath, '--user-id', 'has space']);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toMatch(/userId: /);
    const taken = await postern(['sa', 'create', '-n', nsPath, '--user-id', 'dup-bot']);
    ok(taken);
    const dup = await postern(['sa', 'create', '-n', nsPath, '--user-id', 'dup-bot']);
    expect(dup.code).toBe(5);
    const missing = await postern(['sa', 'list', '-n', 'Global/no-such-namespace']);
    expect(missing.code).toBe(4);
  });

  it('rotates an account: the new token verifies, the old one stops without a grace', async () => {
    const old = ok(
      await postern(['sa', 'create', '-n', nsPath, '--user-id', 'rotating-bot', '--expires', '30d']),
    ).stdout.trim();
    expect(await verifyToken(old)).toBe(200);
    const fresh = ok(await postern(['sa', 'rotate', 'rotating-bot', '--grace', 'none', '--expires', '7d']));
    expect(fresh.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(await verifyToken(fresh.stdout.trim())).toBe(200);
    expect(await within(async () => (await verifyToken(old)) === 401, 5_000, 50)).not.toBeNull();
  });

  it("creates an impersonating account named by the directory user's email", async () => {
    const id = `alice-${uid()}`;
    await createDirectoryUser(admin, { id, email: `${id}@example.com`, name: 'Alice', groups: ['payments'] });
    const r = ok(
      await postern(['sa', 'create', '-n', nsPath, '--impersonate', `${id}@EXAMPLE.com`, '--output', 'json']),
    );
    const { serviceAccount, token } = JSON.parse(r.stdout);
    expect(serviceAccount).toMatchObject({ userId: id, directoryUserId: id });
    expect(await verifyToken(token)).toBe(200);
    expect((await postern(['sa', 'create', '-n', nsPath, '--impersonate', 'nobody@example.com'])).code).toBe(4);
  });

  it('makes, lists and revokes an API key of its own; the new key works until revoked', async () => {
    const name = `made-by-cli-${uid()}`;
    const created = ok(await postern(['api-key', 'create', '--name', name, '--role-cap', 'viewer', '--expires', '1d']));
    const key = created.stdout.trim();
    expect(key).toMatch(/^postern_key_/);
    const asNewKey = { env: { POSTERN_URL: server.url, POSTERN_API_KEY: key } };
    ok(await postern(['namespace', 'list'], asNewKey));
    // A viewer key may read but not create.
    expect((await postern(['sa', 'create', '-n', nsPath, '--user-id', 'viewer-made'], asNewKey)).code).toBe(3);
    const keys = JSON.parse(ok(await postern(['api-key', 'list', '--output', 'json'])).stdout) as { name: string }[];
    expect(keys.map((k) => k.name)).toContain(name);
    ok(await postern(['api-key', 'revoke', name]));
    expect((await postern(['namespace', 'list'], asNewKey)).code).toBe(3);
  });

  it('exports the history of what it did, every page, as JSON lines and CSV', async () => {
    const jsonl = ok(await postern(['history', 'export', '--since', '1h', '--namespace', nsPath]));
    const entries = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { actor: string; entityType: string });
    expect(entries.length).toBeGreaterThanOrEqual(5);
    expect(entries.some((e) => e.entityType === 'service_account' && e.actor.startsWith('api-key:'))).toBe(true);
    const csv = ok(await postern(['history', 'export', '--since', '1h', '--namespace', nsPath, '--output', 'csv']));
    const lines = csv.stdout.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,entity_type,entity_id,namespace_id,summary,before,after');
    expect(lines.length).toBeGreaterThan(entries.length); // header, and rows (some spanning lines)
  });

  it('serves its own bundle for CI jobs to fetch', async () => {
    const res = await fetch(`${server.url}/api/cli/postern.mjs`);
    expect(res.status).toBe(200);
    const file = path.join(home, 'fetched-postern.mjs');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const out = execFileSync(process.execPath, [file, 'sa', 'list', '-n', nsPath, '--output', 'json'], {
      env: { NODE_ENV: 'production', PATH: process.env.PATH, POSTERN_URL: server.url, POSTERN_API_KEY: apiKey },
      encoding: 'utf8',
    });
    expect(JSON.parse(out).some((a: { userId: string }) => a.userId === 'dup-bot')).toBe(true);
    const again = await fetch(`${server.url}/api/cli/postern.mjs`, {
      headers: { 'if-none-match': res.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });
});
