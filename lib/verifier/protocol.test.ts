import { describe, expect, it } from 'vitest';
import { parseSnapshot, readSnapshot, type SnapshotHead } from '@/lib/verifier/protocol';
import type { AccountState } from '@/lib/verify/types';
import { memoryAccount } from '@/tests/support/memory-engine';

const head = (accounts: number): SnapshotHead => ({
  version: '7',
  issuer: 'https://postern.example',
  routes: { namespaces: [], routes: [], policies: [] },
  keys: { publicJwks: [], signer: 'x' },
  accounts,
});
const account = (i: number): AccountState =>
  // A multi-byte character in the user id, so chunk edges can split one.
  memoryAccount(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, `svc-é-${i}`);
const wire = (n: number, h = head(n)) =>
  new TextEncoder().encode(
    `${JSON.stringify(h)}\n${Array.from({ length: n }, (_, i) => JSON.stringify(account(i))).join('\n')}\n`,
  );

/** The bytes in chunks of `size`, as a socket may deliver them. */
async function* chunks(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('the snapshot on the wire, line by line', () => {
  it('reads the head and every account whatever the chunk edges', async () => {
    for (const size of [1, 3, 7, 64, 1 << 20]) {
      const got: AccountState[] = [];
      let seenHead: SnapshotHead | null = null;
      const h = await readSnapshot(
        chunks(wire(25), size),
        (x) => (seenHead = x),
        (a) => got.push(a),
      );
      expect(h.version).toBe('7');
      expect(seenHead).toEqual(h);
      expect(got.map((a) => a.userId)).toEqual(Array.from({ length: 25 }, (_, i) => `svc-é-${i}`));
    }
  });

  it('an empty namespace tree still has a head line', async () => {
    expect((await parseSnapshot(`${JSON.stringify(head(0))}\n`)).accounts).toEqual([]);
  });

  it('refuses a body that broke off, so a half snapshot is never applied', async () => {
    const full = wire(10);
    const cut = full.subarray(0, full.length - 40);
    await expect(
      readSnapshot(
        chunks(cut, 16),
        () => {},
        () => {},
      ),
    ).rejects.toThrow();
    await expect(
      readSnapshot(
        chunks(wire(10, head(11)), 16),
        () => {},
        () => {},
      ),
    ).rejects.toThrow(/10 of 11/);
    await expect(
      readSnapshot(
        chunks(new Uint8Array(), 16),
        () => {},
        () => {},
      ),
    ).rejects.toThrow(/empty/);
    await expect(parseSnapshot('{"version":"1"}\n')).rejects.toThrow(/head/);
  });
});
