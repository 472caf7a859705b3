import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './throttle';
import { PasswordGate, PasswordGateBusy } from './password-gate';

describe('LoginThrottle', () => {
  it('counts before the check: a burst gets exactly the free attempts', () => {
    const t = new LoginThrottle();
    const keys = [
      { key: 'acct:a', free: 5 },
      { key: 'addr:1', free: 20 },
    ];
    const waits = Array.from({ length: 100 }, () => t.attempt(keys, 1000));
    expect(waits.filter((w) => w === 0)).toHaveLength(5);
    expect(t.attempt(keys, 1999)).toBeGreaterThan(0);
    expect(t.attempt(keys, 2000)).toBe(0); // 1 s later, one more
    expect(t.attempt(keys, 2001)).toBeGreaterThan(1000); // then 2 s
  });

  it('a success clears the account and gives the attempt back to the address', () => {
    const t = new LoginThrottle();
    for (let i = 0; i < 20; i++) {
      const keys = [
        { key: `acct:${i}`, free: 5 },
        { key: 'addr:nat', free: 20 },
      ];
      expect(t.attempt(keys, 0)).toBe(0);
      t.succeeded(keys[0]!.key, keys[1]!.key);
    }
    expect(
      t.attempt(
        [
          { key: 'acct:x', free: 5 },
          { key: 'addr:nat', free: 20 },
        ],
        0,
      ),
    ).toBe(0);
  });
});

describe('PasswordGate', () => {
  it('refuses at once beyond its capacity and frees slots when done', async () => {
    const gate = new PasswordGate(2);
    let release!: () => void;
    const hold = new Promise<void>((r) => {
      release = r;
    });
    const a = gate.run(() => hold);
    const b = gate.run(() => hold);
    await expect(gate.run(async () => 1)).rejects.toBeInstanceOf(PasswordGateBusy);
    release();
    await Promise.all([a, b]);
    expect(gate.inUse).toBe(0);
    await expect(gate.run(async () => 1)).resolves.toBe(1);
  });
});
