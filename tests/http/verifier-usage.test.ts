// Usage counted by a verifier (npm run verifier) reaches the console's database over real
// HTTP: the verifier counts in memory, reports with its accessed ids, the console writes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { getPrisma } from '@/lib/db';
import { createNamespace } from '@/lib/dal/namespaces';
import { createVerifier } from '@/lib/dal/verifiers';
import type { Actor } from '@/lib/dal/actor';
import { makeAdmin } from '../support/actors';
import { newAccount, newGuardedRoute } from '../support/builders';
import { uid } from '../support/helpers';
import { within } from '../support/poll';
import { freePort, startServer, type RunningServer } from '../support/server';
import { startVerifier, type RunningVerifier } from '../support/verifier';
import { traefikForwardAuth } from '../support/proxies';

let admin: Actor;
let server: RunningServer;
let verifier: RunningVerifier;

beforeAll(async () => {
  admin = await makeAdmin();
  server = await startServer(
    { DATABASE_URL: process.env.DATABASE_URL, SECRET_KEY: process.env.SECRET_KEY },
    await freePort(),
  );
  const { credential } = await createVerifier(admin, `usage-${uid()}`);
  verifier = await startVerifier({ POSTERN_URL: server.url, VERIFIER_CREDENTIAL: credential });
  const ready = await within(async () => (await fetch(`${verifier.url}/readyz`)).status === 200, 20_000, 50);
  expect(ready, `verifier not ready:\n${verifier.logs()}`).not.toBeNull();
}, 120_000);

afterAll(async () => {
  await verifier?.stop();
  await server?.stop();
});

describe('a verifier reports usage', () => {
  it('counts per route, allowed and refused, reach usage_hours within a flush', async () => {
    const ns = await createNamespace(admin, 'global', `vusage-${uid()}`);
    const host = `vu-${uid()}.example.com`;
    const open = await newGuardedRoute(admin, ns.id, `https://${host}/open`, 'allow:\n  or:\n    - accept: true\n');
    const closed = await newGuardedRoute(admin, ns.id, `https://${host}/closed`, 'allow:\n  or:\n    - reject: true\n');
    const { account, token } = await newAccount(admin, ns.id);
    const auth = { authorization: `Bearer Pomerium-${token}` };
    const ask = (uri: string) => traefikForwardAuth(verifier.url, host, uri, auth, 'GET');
    // Until the verifier has the new route and account (its change stream); then 2 more allowed, 2 refused.
    expect(await within(async () => (await ask('/open')).status === 200, 5_000, 20)).not.toBeNull();
    const statuses = [];
    for (const uri of ['/open/a', '/open/b', '/closed', '/closed/x']) statuses.push((await ask(uri)).status);
    expect(statuses).toEqual([200, 200, 403, 403]);

    const prisma = await getPrisma();
    const sums = async () => {
      const rows = await prisma.usageHour.findMany({ where: { accountId: account.id } });
      const sum = (routeId: string, k: 'allowed' | 'denied') =>
        rows.filter((r) => r.routeId === routeId).reduce((n, r) => n + r[k], 0);
      return { open: sum(open.id, 'allowed'), closed: sum(closed.id, 'denied'), rows };
    };
    // The verifier flushes every 10 s; the polling request that got its 200 above counts too.
    const seen = await within(
      async () => {
        const s = await sums();
        return s.open === 3 && s.closed === 2;
      },
      25_000,
      250,
    );
    expect(seen, `usage not reported:\n${verifier.logs()}`).not.toBeNull();
    const { rows } = await sums();
    expect(rows.every((r) => r.lastAt.getTime() <= Date.now())).toBe(true);
    expect((await prisma.serviceAccount.findUnique({ where: { id: account.id } }))?.accessedAt).toBeInstanceOf(Date);
  });

  it('on SIGTERM it drains, sends the counts it holds before the next flush, and exits 0', async () => {
    const { credential } = await createVerifier(admin, `drain-${uid()}`);
    const leaving = await startVerifier({ POSTERN_URL: server.url, VERIFIER_CREDENTIAL: credential });
    try {
      const ready = await within(async () => (await fetch(`${leaving.url}/readyz`)).status === 200, 20_000, 50);
      expect(ready, leaving.logs()).not.toBeNull();
      const ns = await createNamespace(admin, 'global', `vdrain-${uid()}`);
      const host = `vd-${uid()}.example.com`;
      const route = await newGuardedRoute(admin, ns.id, `https://${host}`, 'allow:\n  or:\n    - accept: true\n');
      const { account, token } = await newAccount(admin, ns.id);
      const ask = () =>
        traefikForwardAuth(leaving.url, host, '/x', { authorization: `Bearer Pomerium-${token}` }, 'GET');
      expect(await within(async () => (await ask()).status === 200, 5_000, 20)).not.toBeNull();
      for (let i = 0; i < 3; i++) expect((await ask()).status).toBe(200);
      const allowed = async () =>
        (await (await getPrisma()).usageHour.findMany({ where: { accountId: account.id, routeId: route.id } })).reduce(
          (n, r) => n + r.allowed,
          0,
        );
      const exited = new Promise<number | null>((resolve) => leaving.process.once('exit', (code) => resolve(code)));
      leaving.process.kill('SIGTERM');
      expect(await exited, leaving.logs()).toBe(0);
      // Well within its 10 s flush interval: these arrived with the shutdown, all of them.
      expect(await allowed()).toBeGreaterThanOrEqual(4);
    } finally {
      await leaving.stop();
    }
  }, 60_000);
});
