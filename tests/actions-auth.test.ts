// Every server action is a public endpoint. Whatever the input, an anonymous caller gets
// "unauthorized" and nothing is read or written. New action files are picked up by the glob.
import { describe, it, expect, vi, beforeAll } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeAdmin } from './support/actors';
import { rowCounts } from './support/helpers';

const session = vi.hoisted(() => ({ actor: null as null | { userId: string; email: string; groups: string[] } }));
vi.mock('@/lib/session', () => ({ getActor: async () => session.actor, requirePageActor: async () => session.actor }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const dir = path.resolve(__dirname, '../lib/actions');
const all = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
/** The source's first statement: the directive counts wherever it stands after comments and blank lines. */
const firstStatement = (src: string) => src.replace(/^(?:\s+|\/\/[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '');
const files = all.filter((f) => /^['"]use server['"]/.test(firstStatement(readFileSync(path.join(dir, f), 'utf8'))));
// Open to anonymous callers: the first-run setup (only while no administrator exists, with
// the setup code) and setting a password from an invite link (the link is the credential).
const PUBLIC = new Set(['setupAdminAction', 'acceptInviteAction']);

const counts = () => rowCounts('namespace', 'serviceAccount', 'policy', 'route', 'directoryUser', 'signingKey', 'user');

beforeAll(async () => {
  await makeAdmin();
});

describe('server actions refuse anonymous callers', () => {
  it('every file in lib/actions is a server-action file, except the wrapper', () => {
    expect(all.filter((f) => !files.includes(f))).toEqual(['safe-action.ts']);
    expect(firstStatement("// a comment\n\n/* another */\n'use server';\nexport {}")).toMatch(/^'use server'/);
  });

  it('finds the action files', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'namespaces.ts',
        'service-accounts.ts',
        'policies.ts',
        'routes.ts',
        'directory.ts',
        'signing-keys.ts',
      ]),
    );
  });

  for (const file of files) {
    it(`${file}: every export is an action that checks the caller first`, async () => {
      const mod = (await import(path.join(dir, file))) as Record<string, unknown>;
      const before = await counts();
      for (const [name, fn] of Object.entries(mod)) {
        expect(name, `${file} exports ${name}`).toMatch(/Action$/);
        expect(typeof fn).toBe('function');
        if (PUBLIC.has(name)) continue;
        const inputs = [
          {},
          { id: '00000000-0000-4000-8000-000000000000', name: 'x', parentId: 'global', namespaceId: 'global' },
          null,
          'junk',
        ];
        for (const input of inputs) {
          const res = await (fn as (i: unknown) => Promise<{ ok: boolean; code?: string }>)(input);
          expect(res, `${name}(${JSON.stringify(input)})`).toMatchObject({ ok: false, code: 'unauthorized' });
        }
      }
      expect(await counts()).toEqual(before);
    });
  }

  it('the setup action refuses once an administrator exists, creating nothing', async () => {
    const { setupAdminAction } = await import('@/lib/actions/setup');
    const before = await counts();
    const res = await setupAdminAction({
      code: 'AAAAA-BBBBB-CCCCC-DDDDD',
      email: 'intruder@example.com',
      password: 'long-enough-password',
      confirm: 'long-enough-password',
    });
    expect(res).toMatchObject({ ok: false, code: 'conflict' });
    expect(await counts()).toEqual(before);
  });

  it('the invite action refuses a made-up link, creating nothing', async () => {
    const { acceptInviteAction } = await import('@/lib/actions/users');
    const before = await counts();
    const res = await acceptInviteAction({
      token: 'x'.repeat(43),
      password: 'long-enough-password',
      confirm: 'long-enough-password',
    });
    expect(res).toMatchObject({ ok: false, code: 'invalid' });
    expect(await counts()).toEqual(before);
  });
});
