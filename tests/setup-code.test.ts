// First-run setup without ADMIN_EMAIL: a one-time code printed to the log, asked for by the
// setup page; SSO users who signed in before setup neither count as administrators nor block it.
import { describe, it, expect } from 'vitest';
import { getPrisma } from '@/lib/db';
import { adminExists, createFirstAdmin, findOrCreateSsoUser, issueSetupCode } from '@/lib/dal/users';
import { failure } from './support/helpers';

const counts = async () => {
  const p = await getPrisma();
  return Promise.all([p.user.count(), p.grant.count(), p.setupCode.count()]);
};

describe('setup code', () => {
  it('an SSO sign-in before setup is no administrator and does not block setup; only the logged code creates the admin', async () => {
    const sso = await findOrCreateSsoUser('https://idp.example|early', 'early@example.com', null, true);
    expect(sso.ok).toBe(true);
    expect(await adminExists()).toBe(false);

    const code = (await issueSetupCode())!;
    expect(code).toMatch(/^[A-Z2-9]{5}(-[A-Z2-9]{5}){3}$/);
    const p = await getPrisma();
    // Only its hash is kept.
    expect(JSON.stringify(await p.setupCode.findMany({ select: { codeHash: true } }))).not.toContain(
      code.replace(/-/g, ''),
    );

    const before = await counts();
    const wrong = await failure(
      createFirstAdmin('boss@example.com', 'long enough password', 'AAAAA-BBBBB-CCCCC-DDDDD'),
    );
    expect(wrong.fieldErrors).toHaveProperty('code');
    expect(await counts()).toEqual(before);
    // The SSO user's email cannot be taken over by setup.
    expect(
      (await failure(createFirstAdmin('early@example.com', 'long enough password', code))).fieldErrors,
    ).toHaveProperty('email');
    expect(await counts()).toEqual(before);

    // Codes are read forgivingly (case, dashes) and work once.
    await createFirstAdmin('boss@example.com', 'long enough password', code.toLowerCase().replace(/-/g, ' '));
    expect(await adminExists()).toBe(true);
    expect(await p.setupCode.count()).toBe(0);
    expect((await failure(createFirstAdmin('second@example.com', 'long enough password', code))).code).toBe('conflict');
    expect(await issueSetupCode()).toBeNull();
  });
});
