import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecret, SecretConfigError } from './secret-file';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'postern-secret-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('loadOrCreateSecret', () => {
  it('uses SECRET_KEY when it is long enough, without touching the disk', () => {
    const dataDir = path.join(root, 'data');
    const env = 'x'.repeat(32);
    expect(loadOrCreateSecret({ envValue: env, dataDir })).toBe(env);
    expect(() => statSync(dataDir)).toThrow();
  });

  it('refuses a SECRET_KEY shorter than 32 characters', () => {
    expect(() => loadOrCreateSecret({ envValue: 'short', dataDir: root })).toThrow(SecretConfigError);
    expect(() => loadOrCreateSecret({ envValue: 'x'.repeat(31), dataDir: root })).toThrow(/at least 32/);
  });

  it('creates secret.key once with mode 0600 in a 0700 directory, then reuses it', () => {
    const dataDir = path.join(root, 'nested', 'data');
    const first = loadOrCreateSecret({ dataDir });
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = path.join(dataDir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o077).toBe(0);
    expect(readFileSync(file, 'utf8').trim()).toBe(first);

    expect(loadOrCreateSecret({ dataDir })).toBe(first);
    expect(loadOrCreateSecret({ envValue: '', dataDir })).toBe(first);
  });

  it('uses an existing file even with looser permissions', () => {
    const file = path.join(root, 'secret.key');
    const value = 'k'.repeat(40);
    writeFileSync(file, `${value}\n`);
    chmodSync(file, 0o644);
    expect(loadOrCreateSecret({ dataDir: root })).toBe(value);
  });

  it('refuses a truncated file rather than replacing it', () => {
    writeFileSync(path.join(root, 'secret.key'), 'too-short');
    expect(() => loadOrCreateSecret({ dataDir: root })).toThrow(SecretConfigError);
    expect(readFileSync(path.join(root, 'secret.key'), 'utf8')).toBe('too-short');
  });
});
