// Rotation over real HTTP: the console and a verifier (npm run verifier) give the same answer
// to the old and the new token, during the grace, after it, and when the grace runs out with
// no change event at all (each compares the grace end with the time of the decision).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { rotateServiceAccount } from '@/lib/dal/rotation';
import { revokeServiceAccount } from '@/lib/dal/service-accounts';
import { createNamespace } from '@/lib/dal/namespaces';
import { createVerifier } from '@/lib/dal/verifiers';
import { rotateServiceAccountSchema } from '@/lib/schemas/rotation';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin } from '../support/actors';
import { newAccount, newPolicy, newRoute } from '../support/builders';
import { uid } from '../support/helpers';
import { within } from '../support/poll';
import { startServer, type RunningServer } from '../support/server';
import { startVerifier, type RunningVerifier } from '../support/verifier';
import { traefikForwardAuth } from '../support/proxies';

const HOUR = 3_600_000;
let admin: Actor;
let server: RunningServer;
let verifier: RunningVerifier;
let nsId: string;
let host: string;

beforeAll(async () => {
  admin = await makeAdmin();
  server = await startServer({ DATABASE_URL: process.env.DATABASE_URL, SECRET_KEY: process.env.SECRET_KEY });
  const { credential } = await createVerifier(admin, `edge-${uid()}`);
  verifier = await startVerifier({ POSTERN_URL: server.url, VERIFIER_CREDENTIAL: credential });
  expect(await within(async () => (await fetch(`${verifier.url}/readyz`)).status === 200, 20_000, 50)).not.toBeNull();
  nsId = (await createNamespace(admin, 'global', `rotation-${uid()}`)).id;
  host = `svc-${uid()}.example.com`;
  await newRoute(admin, nsId, `https://${host}/`, [
    (await newPolicy(admin, nsId, 'allow:\n  or:\n    - accept: true\n')).id,
  ]);
}, 120_000);

afterAll(async () => {
  await verifier?.stop();
  await server?.stop();
});

/** What the console and the verifier answer for this token: 'ok' or the 401 error, each. */
async function answers(token: string): Promise<[string, string]> {
  const one = async (base: string) => {
    const res = await traefikForwardAuth(base, host, '/x', { authorization: `Bearer Pomerium-${token}` });
    return res.status === 200 ? 'ok' : `${res.status} ${JSON.parse(res.body).error}`;
  };
  return [await one(server.url), await one(verifier.url)];
}

/** Polls until both answer `want` (the verifier follows the change stream): true, or false after 3 s. */
const both = async (token: string, want: string) =>
  (await within(async () => (await answers(token)).every((a) => a === want), 3_000, 10)) !== null;

const rotate = (id: string, grace: string, now?: Date) =>
  rotateServiceAccount(admin, rotateServiceAccountSchema.parse({ id, expiration: 'never', grace }), { now });

describe('rotation, console and verifier', () => {
  it('agree on old and new tokens during the grace, after it, and after a revoke', async () => {
    const { account, token: first } = await newAccount(admin, nsId);
    expect(await both(first, 'ok')).toBe(true);
    const { token: second } = await rotate(account.id, '24h');
    expect(await both(second, 'ok')).toBe(true);
    expect(await answers(first)).toEqual(['ok', 'ok']);
    // A rotation whose hour of grace ended an hour ago: only the newest works.
    const { token: third } = await rotate(account.id, '1h', new Date(Date.now() - 2 * HOUR));
    expect(await both(third, 'ok')).toBe(true);
    expect(await answers(second)).toEqual(['401 revoked', '401 revoked']);
    expect(await answers(first)).toEqual(['401 revoked', '401 revoked']);
    await revokeServiceAccount(admin, account.id);
    expect(await both(third, '401 revoked')).toBe(true);
  });

  it('both stop the old token when its grace runs out, with no change in between', async () => {
    const { account, token: old } = await newAccount(admin, nsId);
    // Rotated so that the hour of grace ends 4 s from now.
    const { account: rotated, token: fresh } = await rotate(account.id, '1h', new Date(Date.now() - HOUR + 4_000));
    expect(await both(fresh, 'ok')).toBe(true);
    expect(await answers(old)).toEqual(['ok', 'ok']);
    const end = rotated.previousValidUntil!.getTime();
    await new Promise((r) => setTimeout(r, Math.max(0, end - Date.now() + 50)));
    expect(await answers(old)).toEqual(['401 revoked', '401 revoked']);
    expect(await answers(fresh)).toEqual(['ok', 'ok']);
  });
});
