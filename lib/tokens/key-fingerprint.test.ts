import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveKey } from './crypto-box';
import { keyFingerprint, readSecretIfPresent } from './key-fingerprint';

describe('keyFingerprint', () => {
  it('is stable, 32 hex digits, differs per secret and is not the sealing key', () => {
    const a = 'a'.repeat(40);
    expect(keyFingerprint(a)).toBe(keyFingerprint(a));
    expect(keyFingerprint(a)).toMatch(/^[0-9a-f]{32}$/);
    expect(keyFingerprint(a)).not.toBe(keyFingerprint('b'.repeat(40)));
    expect(Buffer.from(deriveKey(a)).toString('hex')).not.toContain(keyFingerprint(a));
  });
});

describe('readSecretIfPresent', () => {
  it('prefers SECRET_KEY, reads secret.key, and never creates one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'postern-fp-'));
    try {
      expect(readSecretIfPresent({ dataDir: dir })).toBeNull();
      expect(readSecretIfPresent({ dataDir: dir })).toBeNull(); // still nothing written
      writeFileSync(path.join(dir, 'secret.key'), `${'k'.repeat(43)}\n`);
      expect(readSecretIfPresent({ dataDir: dir })).toBe('k'.repeat(43));
      expect(readSecretIfPresent({ envValue: 'e'.repeat(32), dataDir: dir })).toBe('e'.repeat(32));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
