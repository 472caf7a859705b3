import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  configFile,
  isCleartext,
  normalizeUrl,
  readConfig,
  removeConfig,
  resolveCredentials,
  writeConfig,
} from './config';
import { CliError, EXIT } from './errors';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'postern-cli-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o777;
const KEY = 'postern_key_0123456789abcdef';

describe('config file', () => {
  it('lives under an absolute XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configFile({ XDG_CONFIG_HOME: '/x/conf' }, '/home/u')).toBe('/x/conf/postern/config.json');
    expect(configFile({}, '/home/u')).toBe('/home/u/.config/postern/config.json');
    // A relative XDG_CONFIG_HOME is invalid by the spec and ignored.
    expect(configFile({ XDG_CONFIG_HOME: 'conf' }, '/home/u')).toBe('/home/u/.config/postern/config.json');
  });

  it('is written readable by its owner only: file 0600 in a 0700 directory', () => {
    const file = path.join(dir, 'deep', 'postern', 'config.json');
    writeConfig(file, { url: 'https://p.example.com', apiKey: KEY });
    expect(mode(file)).toBe(0o600);
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url: 'https://p.example.com', apiKey: KEY });
    expect(readConfig(file)).toEqual({ config: { url: 'https://p.example.com', apiKey: KEY }, warnings: [] });
  });

  it('tightens an existing directory and replaces a file others could read', () => {
    const sub = path.join(dir, 'postern');
    mkdirSync(sub, { mode: 0o755 });
    chmodSync(sub, 0o755);
    const file = path.join(sub, 'config.json');
    writeFileSync(file, '{}', { mode: 0o644 });
    chmodSync(file, 0o644);
    writeConfig(file, { url: 'https://p.example.com', apiKey: KEY });
    expect(mode(sub)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
  });

  it('replaces a symlink in its place instead of writing through it', () => {
    const sub = path.join(dir, 'postern');
    mkdirSync(sub);
    const target = path.join(dir, 'elsewhere.json');
    writeFileSync(target, 'untouched');
    symlinkSync(target, path.join(sub, 'config.json'));
    writeConfig(path.join(sub, 'config.json'), { url: 'https://p.example.com', apiKey: KEY });
    expect(readFileSync(target, 'utf8')).toBe('untouched');
    expect(readConfig(path.join(sub, 'config.json')).config?.apiKey).toBe(KEY);
  });

  it('warns (without the key) when others may read the file, and says when it is broken', () => {
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ url: 'https://p.example.com', apiKey: KEY }));
    chmodSync(file, 0o644);
    const { warnings } = readConfig(file);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('chmod 600');
    expect(warnings[0]).not.toContain(KEY);
    writeFileSync(file, '{"url": "https://p.example.com"}');
    expect(() => readConfig(file)).toThrow(/lacks a url or an apiKey/);
    writeFileSync(file, 'not json');
    expect(() => readConfig(file)).toThrow(/not valid JSON/);
    expect(readConfig(path.join(dir, 'missing.json'))).toEqual({ config: null, warnings: [] });
  });

  it('is removed by logout', () => {
    const file = path.join(dir, 'config.json');
    writeConfig(file, { url: 'https://p.example.com', apiKey: KEY });
    expect(removeConfig(file)).toBe(true);
    expect(removeConfig(file)).toBe(false);
  });
});

describe('credentials', () => {
  const stored = { url: 'https://stored.example.com', apiKey: 'stored-key' };

  it('come from the environment first, then the file', () => {
    expect(resolveCredentials({ POSTERN_URL: 'https://env.example.com/', POSTERN_API_KEY: 'env-key' }, stored)).toEqual(
      {
        url: 'https://env.example.com',
        apiKey: 'env-key',
        source: 'environment',
      },
    );
    expect(resolveCredentials({}, stored)).toEqual({ ...stored, source: 'config file' });
    expect(resolveCredentials({ POSTERN_API_KEY: 'env-key' }, stored)).toMatchObject({
      url: 'https://stored.example.com',
      apiKey: 'env-key',
    });
  });

  it('are missing: the auth exit code and how to log in', () => {
    try {
      resolveCredentials({ POSTERN_URL: 'https://env.example.com' }, null);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(EXIT.auth);
      expect((err as CliError).details.join(' ')).toContain('postern login');
    }
  });
});

describe('console URL', () => {
  it('is normalised: no trailing slash or /api/v1, a path prefix kept', () => {
    expect(normalizeUrl('https://p.example.com/')).toBe('https://p.example.com');
    expect(normalizeUrl(' https://P.example.com/api/v1/ ')).toBe('https://p.example.com');
    expect(normalizeUrl('https://example.com/postern')).toBe('https://example.com/postern');
    expect(normalizeUrl('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000');
  });

  it('refuses what is not a plain http(s) URL', () => {
    for (const bad of [
      'p.example.com',
      'ftp://p.example.com',
      'https://u:pw@p.example.com',
      'https://p.example.com/?x=1',
    ])
      expect(() => normalizeUrl(bad)).toThrow(CliError);
  });

  it('knows when a key would cross the network in the clear', () => {
    expect(isCleartext('http://postern.internal')).toBe(true);
    expect(isCleartext('http://127.0.0.1:3000')).toBe(false);
    expect(isCleartext('http://localhost:3000')).toBe(false);
    expect(isCleartext('https://postern.example.com')).toBe(false);
  });
});
