// Races through the console's server actions over HTTP, on both databases: 50 browsers create
// a service account with the same user ID at once, and 50 create a route for the same
// host + path prefix. Exactly one of each succeeds; every other one gets a conflict that says
// what collided (never a 500, never the generic "something went wrong").
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../support/server';
import { signIn, type ConsoleSession } from '../support/console-client';
import { FAULT_ADMIN, scale } from '../support/faults';
import { uid } from '../support/helpers';
import type { ActionResult } from '@/lib/actions/safe-action';

const RACERS = Number(process.env.FAULT_RACERS) || scale(50, 20);

/** Fires `n` calls at once (each browser its own connection) and sorts the answers. */
async function race(n: number, call: (i: number) => Promise<ActionResult<unknown>>) {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      // No action answer at all (a 500 page, a reset connection): a failure the checks below report.
      call(i).catch((err: unknown): ActionResult<unknown> => ({ ok: false, code: 'error', message: String(err) })),
    ),
  );
  return {
    won: results.filter((r) => r.ok),
    lost: results.filter((r): r is Extract<typeof r, { ok: false }> => !r.ok),
  };
}

describe.each(['pglite', 'postgres'] as const)('races on %s', (db) => {
  let server: RunningServer;
  let session: ConsoleSession;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'postern-faults-race-'));

  beforeAll(async () => {
    server = await startServer({
      // PostgreSQL: this file's scratch database (tests/support/setup-db.ts); PGlite: DATA_DIR.
      DATABASE_URL: db === 'postgres' ? process.env.DATABASE_URL : undefined,
      DATA_DIR: dataDir,
      SECRET_KEY: process.env.SECRET_KEY,
      ADMIN_EMAIL: FAULT_ADMIN.email,
      ADMIN_PASSWORD: FAULT_ADMIN.password,
      LOG_LEVEL: 'warn',
    });
    session = await signIn(server.url, FAULT_ADMIN.email, FAULT_ADMIN.password);
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`${RACERS} parallel creates of one user ID: one account, the rest a clear conflict`, async () => {
    const userId = `race-${uid()}`;
    const { won, lost } = await race(RACERS, (i) =>
      session.action('createServiceAccountAction', {
        namespaceId: 'global',
        kind: 'service',
        // Case differs between racers: user IDs are unique whatever their case.
        userId: i % 2 ? userId.toUpperCase() : userId,
        expiration: 'never',
      }),
    );
    expect(won, JSON.stringify(lost.slice(0, 3))).toHaveLength(1);
    const errors = server
      .logs()
      .split('\n')
      .filter((l) => l.includes('"level":50'));
    for (const r of lost) {
      expect(r, errors.join('\n')).toMatchObject({
        ok: false,
        code: 'conflict',
        message: 'That user ID is already taken.',
      });
      expect(r.fieldErrors?.userId?.[0]).toMatch(/already taken/);
    }
    expect(server.logs()).not.toMatch(/server action createServiceAccount failed/);
  });

  it(`${RACERS} parallel route creates of one host + prefix: one route, the rest a clear conflict`, async () => {
    const from = `https://race-${uid()}.example.com/api`;
    const { won, lost } = await race(RACERS, (i) =>
      session.action('createRouteAction', {
        namespaceId: 'global',
        name: `race ${i}`,
        from,
        to: 'http://127.0.0.1:9',
        policyIds: [],
      }),
    );
    expect(won, JSON.stringify(lost.slice(0, 3))).toHaveLength(1);
    const errors = server
      .logs()
      .split('\n')
      .filter((l) => l.includes('"level":50'));
    for (const r of lost) {
      expect(r, errors.join('\n')).toMatchObject({
        ok: false,
        code: 'conflict',
        message: 'Another route already serves this URL.',
      });
      expect(r.fieldErrors?.from?.[0]).toMatch(/already served by another route/);
    }
    expect(server.logs()).not.toMatch(/server action createRoute failed/);
  });
});
