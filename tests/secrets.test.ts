// Secrets are omitted by default: one list (lib/secret-fields.ts) feeds the Prisma client's
// global omit, the log redaction and the Change History scrubber.
import { describe, it, expect } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import { getPrisma } from '@/lib/db';
import { logOptions } from '@/lib/log';
import { createScimToken } from '@/lib/dal/scim-tokens';
import { createVerifier } from '@/lib/dal/verifiers';
import { createApiKey } from '@/lib/dal/api-keys';
import { rotateSigningKey } from '@/lib/dal/signing-keys';
import { addConsoleUser } from '@/lib/dal/console-users';
import { SECRET_COLUMNS, SECRET_FIELD_NAMES } from '@/lib/secret-fields';
import { makeAdmin } from './support/actors';

describe('secret columns', () => {
  it('no query returns a secret column unless it names it', async () => {
    const admin = await makeAdmin();
    const prisma = await getPrisma();
    await createScimToken(admin, `omit-${Math.random().toString(36).slice(2)}`);
    await rotateSigningKey(admin);
    await addConsoleUser(admin, `invitee-${Math.random().toString(36).slice(2)}@example.com`);
    await prisma.setupCode.create({ data: { codeHash: 'a'.repeat(64) } });
    await createVerifier(admin, `omit-${Math.random().toString(36).slice(2)}`);
    await createApiKey(admin, { name: 'omit', roleCap: 'viewer' });
    const rows = {
      user: await prisma.user.findMany(),
      signingKey: await prisma.signingKey.findMany(),
      scimToken: await prisma.scimToken.findMany(),
      userInvite: await prisma.userInvite.findMany(),
      setupCode: await prisma.setupCode.findMany(),
      verifier: await prisma.verifier.findMany(),
      apiKey: await prisma.apiKey.findMany(),
    };
    for (const [model, fields] of Object.entries(SECRET_COLUMNS)) {
      const list = rows[model as keyof typeof rows];
      expect(list.length, model).toBeGreaterThan(0);
      for (const row of list) for (const f of fields) expect(Object.keys(row), `${model}.${f}`).not.toContain(f);
    }
    // Opting in by name still works (sign-in and signing need it).
    const withHash = await prisma.user.findUniqueOrThrow({
      where: { id: admin.userId },
      omit: { passwordHash: false },
    });
    expect(withHash.passwordHash).toMatch(/^scrypt\$|\$/);
  });

  it('the log redacts every secret field name, top level and nested', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ ...logOptions, level: 'info' }, sink);
    const secrets = Object.fromEntries([...SECRET_FIELD_NAMES].map((f) => [f, `leak-${f}`]));
    logger.info(
      { ...secrets, nested: { ...secrets }, headers: { authorization: 'Bearer leak-auth', cookie: 'leak-cookie' } },
      'probe',
    );
    const out = lines.join('');
    expect(out).toContain('probe');
    expect(out).not.toMatch(/leak-/);
    expect(JSON.parse(out).nested.passwordHash).toBe('[redacted]');
  });

  it('the Change History scrubber drops the same names', async () => {
    const { scrubForHistory } = await import('@/lib/dal/audit');
    const secrets = Object.fromEntries([...SECRET_FIELD_NAMES].map((f) => [f, `leak-${f}`]));
    expect(JSON.stringify(scrubForHistory({ keep: 1, ...secrets, nested: [{ ...secrets }] }))).toBe(
      '{"keep":1,"nested":[{}]}',
    );
  });
});
