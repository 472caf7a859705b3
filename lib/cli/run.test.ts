// The CLI end to end with the network replaced: what reaches stdout and stderr, and the exit
// code, for the API's answers. (tests/http/cli.test.ts runs the real binary against a server.)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Env } from './config';
import type { Io } from './context';
import { EXIT } from './errors';
import { run } from './run';

const KEY = 'postern_key_s3cr3t-value-never-printed';
/** A service-account-shaped token minted here (the CLI only passes it through). */
let JWT = '';
beforeAll(async () => {
  const { privateKey } = await generateKeyPair('ES256');
  JWT = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setSubject('ci-bot').sign(privateKey);
});

interface Call {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), 'postern-cli-run-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });

/** Runs `postern <argv>` against `answer` (one function for every request); what it wrote and the calls it made. */
async function postern(argv: string[], answer: (c: Call) => Response, opts: { env?: Env; stdin?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const calls: Call[] = [];
  const io: Io = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: async () => opts.stdin ?? '',
    env: opts.env ?? { POSTERN_URL: 'https://postern.example.com', POSTERN_API_KEY: KEY },
    home,
    now: () => new Date('2026-11-30T12:00:00Z'),
    fetch: (async (input: URL | string, init?: RequestInit) => {
      const call: Call = {
        method: init?.method ?? 'GET',
        url: new URL(String(input)),
        headers: (init?.headers ?? {}) as Record<string, string>,
        body: init?.body ? JSON.parse(String(init.body)) : undefined,
      };
      calls.push(call);
      return answer(call);
    }) as typeof fetch,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr, calls };
}

const GLOBAL = { id: 'global', name: 'Global', parentId: null, path: 'Global' };
const ACCOUNT = {
  id: '3f0c9d52-6b1e-4a57-9a8e-2b7d0c41e9aa',
  namespaceId: 'global',
  userId: 'ci-bot',
  directoryUserId: null,
  description: '',
  state: 'active',
  disabled: false,
  expiresAt: null,
  createdAt: '2026-11-30T12:00:00Z',
  lastAccessedAt: null,
};

describe('postern (network replaced)', () => {
  it('sa create prints the token alone on stdout and sends the schema the console uses', async () => {
    const r = await postern(['sa', 'create', '-n', 'Global', '--user-id', 'ci-bot', '--expires', '12h'], (c) =>
      c.url.pathname === '/api/v1/namespaces'
        ? json(200, { items: [GLOBAL], nextCursor: null })
        : json(201, { serviceAccount: ACCOUNT, token: JWT }),
    );
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toBe(`${JWT}\n`);
    expect(r.stderr).toContain(ACCOUNT.id);
    expect(r.calls[0]!.url.searchParams.get('path')).toBe('Global');
    expect(r.calls[1]).toMatchObject({
      method: 'POST',
      body: {
        namespaceId: 'global',
        kind: 'service',
        userId: 'ci-bot',
        description: '',
        expiration: 'custom',
        customExpiresAt: '2026-12-01T00:00:00.000Z',
      },
    });
    for (const c of r.calls) expect(c.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('prints the problem detail and field errors on stderr, nothing on stdout, and exits by status', async () => {
    const cases: [number, number][] = [
      [400, EXIT.failed],
      [401, EXIT.auth],
      [403, EXIT.auth],
      [404, EXIT.notFound],
      [409, EXIT.conflict],
      [412, EXIT.conflict],
      [429, EXIT.failed],
      [500, EXIT.failed],
    ];
    for (const [status, exit] of cases) {
      const r = await postern(['sa', 'list', '--output', 'json'], () =>
        json(status, {
          type: 'https://postern.dev/problems/x',
          title: 'Title',
          status,
          detail: `Detail for ${status}`,
          errors: { userId: ['Use only letters.'] },
        }),
      );
      expect(r.code, `HTTP ${status}`).toBe(exit);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`postern: Detail for ${status}`);
      expect(r.stderr).toContain('userId: Use only letters.');
      expect(r.stderr).not.toContain(KEY);
    }
    // A problem with a title only, and an error page that is not JSON at all.
    const titled = await postern(['sa', 'list'], () => json(403, { title: 'You need the Manager role.', status: 403 }));
    expect(titled.stderr).toContain('postern: You need the Manager role.');
    const html = await postern(['sa', 'list'], () => new Response('<html>bad gateway</html>', { status: 502 }));
    expect(html).toMatchObject({ code: EXIT.failed, stdout: '' });
    expect(html.stderr).toContain('HTTP 502');
  });

  it('follows list cursors and writes one JSON array', async () => {
    const r = await postern(['sa', 'list', '--output', 'json'], (c) =>
      c.url.searchParams.get('cursor') === 'page2'
        ? json(200, { items: [{ ...ACCOUNT, userId: 'b' }], nextCursor: null })
        : json(200, { items: [ACCOUNT], nextCursor: 'page2' }),
    );
    expect(r.code).toBe(EXIT.ok);
    expect(JSON.parse(r.stdout).map((a: { userId: string }) => a.userId)).toEqual(['ci-bot', 'b']);
    expect(r.calls).toHaveLength(2);
  });

  it('does not follow a redirect (it could carry the key elsewhere)', async () => {
    const r = await postern(
      ['sa', 'list'],
      () => new Response(null, { status: 307, headers: { location: 'https://evil.example/' } }),
    );
    expect(r.code).toBe(EXIT.failed);
    expect(r.calls).toHaveLength(1);
    expect(r.stderr).toContain('redirects');
  });

  it('says how to log in when there is no credential (exit 3), and calls nothing', async () => {
    const r = await postern(['sa', 'list'], () => json(200, {}), { env: { XDG_CONFIG_HOME: home } });
    expect(r).toMatchObject({ code: EXIT.auth, stdout: '', calls: [] });
    expect(r.stderr).toContain('not logged in');
  });

  it('login reads the key from stdin, checks it, stores it 0600 and prints nothing on stdout', async () => {
    const env = { XDG_CONFIG_HOME: home };
    const r = await postern(
      ['login', '--url', 'https://postern.example.com/', '--api-key', '-'],
      () => json(200, { items: [], nextCursor: null }),
      {
        env,
        stdin: `${KEY}\n`,
      },
    );
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain(KEY);
    expect(r.calls[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(statSync(path.join(home, 'postern', 'config.json')).mode & 0o777).toBe(0o600);
    // The next command uses the stored URL and key.
    const list = await postern(['sa', 'list'], () => json(200, { items: [ACCOUNT], nextCursor: null }), { env });
    expect(list.code).toBe(EXIT.ok);
    expect(list.calls[0]!.url.origin).toBe('https://postern.example.com');
    expect(list.calls[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(list.stdout).toMatch(/^ID\s+USER ID/);
  });

  it('login refuses a key the console refuses (exit 3) and stores nothing', async () => {
    const env = { XDG_CONFIG_HOME: home };
    const r = await postern(
      ['login', '--url', 'https://postern.example.com', '--api-key', KEY],
      () => json(401, { title: 'Unauthorized', status: 401 }),
      {
        env,
      },
    );
    expect(r.code).toBe(EXIT.auth);
    expect(r.stderr).not.toContain(KEY);
    expect(() => statSync(path.join(home, 'postern', 'config.json'))).toThrow();
  });

  it('policy apply updates with If-Match and exits 5 when the policy changed meanwhile', async () => {
    const policy = {
      id: '0b7e6a8c-1f2d-4c3b-9a8e-5d6c7b8a9f01',
      namespaceId: 'global',
      name: 'allow-ci',
      description: '',
      enforced: false,
      explanation: '',
      remediation: '',
      ppl: 'allow:\n  and:\n    - user:\n        is: old\n',
    };
    const file = path.join(home, 'allow-ci.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'allow:\n  and:\n    - user: { is: ci-bot }\n');
    const answer = (status: number) => (c: Call) => {
      if (c.url.pathname === '/api/v1/namespaces') return json(200, { items: [GLOBAL], nextCursor: null });
      if (c.url.pathname === '/api/v1/policies') return json(200, { items: [policy], nextCursor: null });
      if (c.method === 'GET') return json(200, policy, { etag: '"v1"' });
      return status === 200
        ? json(200, policy, { etag: '"v2"' })
        : json(412, { title: 'Precondition failed', status: 412 });
    };
    const ok = await postern(['policy', 'apply', '-f', file, '-n', 'global', '--output', 'json'], answer(200));
    expect(ok.code).toBe(EXIT.ok);
    expect(JSON.parse(ok.stdout)).toEqual([
      { action: 'updated', name: 'allow-ci', id: policy.id, namespaceId: 'global' },
    ]);
    const patch = ok.calls.find((c) => c.method === 'PATCH')!;
    expect(patch.headers['if-match']).toBe('"v1"');
    expect(patch.body).toMatchObject({ name: 'allow-ci', ppl: 'allow:\n  and:\n    - user: { is: ci-bot }\n' });
    const stale = await postern(['policy', 'apply', '-f', file, '-n', 'global'], answer(412));
    expect(stale.code).toBe(EXIT.conflict);
    expect(stale.stderr).toContain('changed while it was being applied');
  });
});
