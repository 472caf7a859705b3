import { describe, expect, it } from 'vitest';
import { EpochPoll } from './engine';

// The console's fallback freshness: the poll clears every cache when the state version moved
// under it, except for versions this instance already applied (its own commits).
describe('EpochPoll', () => {
  const quiet = { warn() {}, error() {} };
  async function setup() {
    let version = 10n;
    let moves = 0;
    const poll = new EpochPoll(
      async () => version,
      () => moves++,
      quiet,
      60_000,
      60_000,
    );
    await poll.start();
    const tick = () => (poll as unknown as { poll(): Promise<void> }).poll();
    return { poll, tick, bump: () => ++version, moves: () => moves };
  }

  it('a version it applied itself does not clear again', async () => {
    const t = await setup();
    t.poll.seen(t.bump());
    await t.tick();
    expect(t.moves()).toBe(0);
  });

  it('a version it has not seen clears everything', async () => {
    const t = await setup();
    t.bump();
    await t.tick();
    expect(t.moves()).toBe(1);
  });

  it('after a gap it still clears: the version in between may hold changes nobody announced', async () => {
    const t = await setup();
    t.bump(); // another instance's commit, not announced here
    t.poll.seen(t.bump()); // then our own
    await t.tick();
    expect(t.moves()).toBe(1);
  });
});
