import { describe, it, expect, beforeAll } from 'vitest';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { revokeServiceAccount, setServiceAccountDisabled } from '@/lib/dal/service-accounts';
import { createDirectoryUser } from '@/lib/dal/directory';
import { retireSigningKey, rotateSigningKey } from '@/lib/dal/signing-keys';
import { publicJwks, verifyEngine } from '@/lib/verify/console';
import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin } from './support/actors';
import { pomerium, verify } from './support/verify';
import { newAccount } from './support/builders';

let admin: Actor;
beforeAll(async () => {
  admin = await makeAdmin();
});

const globalAccount = (over: Record<string, unknown> = {}) => newAccount(admin, 'global', over);

describe('verify endpoint, in process', () => {
  it('answers 200 with identity headers, a JSON body and an assertion checkable with the JWKS', async () => {
    const { account, token } = await globalAccount();
    const res = await verify(pomerium(token));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-pomerium-claim-sub')).toBe(account.userId);
    expect(res.headers.get('x-pomerium-service-account-id')).toBe(account.id);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ status: 'ok', sub: account.userId, service_account_id: account.id });
    const assertion = res.headers.get('x-pomerium-jwt-assertion')!;
    const { payload } = await jwtVerify(assertion, createLocalJWKSet(await publicJwks()), { algorithms: ['ES256'] });
    expect(payload).toMatchObject({ sub: account.userId, service_account_id: account.id });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(300);
  });

  it('accepts the three header forms and HEAD without a body', async () => {
    const { token } = await globalAccount();
    const forms: Record<string, string>[] = [
      { 'x-pomerium-authorization': token },
      { authorization: `Pomerium ${token}` },
      { authorization: `Bearer Pomerium-${token}` },
    ];
    for (const headers of forms) {
      expect((await verify(headers)).status).toBe(200);
    }
    const head = await verify(pomerium(token), 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
  });

  it('answers 401 with WWW-Authenticate for missing, malformed, oversized and ambiguous tokens', async () => {
    const { token } = await globalAccount();
    const { token: other } = await globalAccount();
    const cases: [Record<string, string>, string][] = [
      [{}, 'missing_token'],
      [{ authorization: 'Basic dXNlcjpwYXNz' }, 'missing_token'],
      [{ authorization: 'Pomerium not-a-jwt' }, 'invalid_token'],
      [{ authorization: `Pomerium ${'a'.repeat(64 * 1024)}` }, 'invalid_token'],
      [{ authorization: `Pomerium ${token.slice(0, -4)}AAAA` }, 'invalid_token'],
      [{ authorization: `Pomerium ${token}`, 'x-pomerium-authorization': other }, 'invalid_token'],
    ];
    for (const [headers, error] of cases) {
      const res = await verify(headers);
      expect(res.status, JSON.stringify(headers).slice(0, 80)).toBe(401);
      expect(res.body).toEqual({ error });
      expect(res.headers.get('www-authenticate')).toBe('Pomerium');
    }
  });

  it('revocation takes effect on the very next request', async () => {
    const { account, token } = await globalAccount();
    expect((await verify(pomerium(token))).status).toBe(200);
    await revokeServiceAccount(admin, account.id);
    expect(await verify(pomerium(token))).toMatchObject({ status: 401, body: { error: 'revoked' } });
  });

  it('disable answers 401 disabled, enable restores 200', async () => {
    const { account, token } = await globalAccount();
    expect((await verify(pomerium(token))).status).toBe(200);
    await setServiceAccountDisabled(admin, account.id, true);
    expect(await verify(pomerium(token))).toMatchObject({ status: 401, body: { error: 'disabled' } });
    await setServiceAccountDisabled(admin, account.id, false);
    expect((await verify(pomerium(token))).status).toBe(200);
  });

  it('an account past its expiry answers 401 expired, even from the cache', async () => {
    const { token } = await globalAccount({
      expiration: 'custom',
      customExpiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    expect((await verify(pomerium(token))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1700));
    expect(await verify(pomerium(token))).toMatchObject({ status: 401, body: { error: 'expired' } });
  });

  it('impersonating accounts carry the directory user email and groups', async () => {
    await createDirectoryUser(admin, {
      id: 'carol',
      email: 'carol@corp.example',
      name: 'Carol',
      groups: ['ops', 'sre'],
    });
    const { token } = await globalAccount({ kind: 'impersonate', userId: undefined, directoryUserId: 'carol' });
    const res = await verify(pomerium(token));
    expect(res.headers.get('x-pomerium-claim-email')).toBe('carol@corp.example');
    expect(res.headers.get('x-pomerium-claim-groups')).toBe('["ops","sre"]'); // a JSON array: a comma in a name stays unambiguous
  });

  it('key rotation keeps old tokens valid until their key is retired', async () => {
    const { token: before } = await globalAccount();
    const kid = (await publicJwks()).keys.at(-1)!.kid!;
    await rotateSigningKey(admin);
    const { token: after } = await globalAccount();
    expect((await verify(pomerium(before))).status).toBe(200);
    expect((await verify(pomerium(after))).status).toBe(200);
    expect((await publicJwks()).keys.map((k) => k.kid)).toContain(kid);
    await retireSigningKey(admin, kid);
    expect(await verify(pomerium(before))).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    expect((await verify(pomerium(after))).status).toBe(200);
  });

  it('changes made by another instance arrive through the epoch poll', async () => {
    const { account, token } = await globalAccount();
    expect((await verify(pomerium(token))).status).toBe(200);
    // Another instance disables the account: the row and epoch change, but no local event fires here.
    const prisma = await getPrisma();
    await prisma.$transaction([
      prisma.serviceAccount.update({ where: { id: account.id }, data: { disabled: true } }),
      prisma.$executeRaw`UPDATE cache_epoch SET version = version + 1 WHERE id = 1`,
    ]);
    const start = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - start < 5000) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await verify(pomerium(token))).status;
    }
    expect(status).toBe(401);
  });

  it('records "Accessed" in a batch, off the request path', async () => {
    const { account, token } = await globalAccount();
    await verify(pomerium(token));
    const prisma = await getPrisma();
    expect((await prisma.serviceAccount.findUnique({ where: { id: account.id } }))?.accessedAt).toBeNull();
    await verifyEngine.flushAccessed();
    expect((await prisma.serviceAccount.findUnique({ where: { id: account.id } }))?.accessedAt).toBeInstanceOf(Date);
  });
});
