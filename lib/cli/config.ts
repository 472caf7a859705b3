// Where `postern login` keeps the console URL and the API key: one JSON file in the user's
// config dir, readable by its owner only (file 0600, directory 0700). POSTERN_URL and
// POSTERN_API_KEY override it, so CI jobs need no file at all.
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { CliError, EXIT, usageError } from './errors';

/** The environment as the CLI reads it (process.env, or a test's). */
export type Env = Record<string, string | undefined>;

export interface StoredConfig {
  url: string;
  apiKey: string;
}

export interface Credentials extends StoredConfig {
  /** Where each came from, for messages (never the key itself). */
  source: 'environment' | 'config file' | 'environment and config file';
}

/** `$XDG_CONFIG_HOME/postern/config.json` (an absolute XDG_CONFIG_HOME only, as the spec says), else `~/.config/postern/config.json`. */
export function configFile(env: Env, home: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.config');
  return path.join(base, 'postern', 'config.json');
}

/**
 * A console URL as typed (`https://postern.example.com`, also with a trailing `/` or
 * `/api/v1`): http(s), no credentials, query or fragment; without the trailing slash.
 */
export function normalizeUrl(input: string): string {
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    throw usageError(`--url ${input}: enter the console's URL, e.g. https://postern.example.com`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw usageError(`--url ${input}: use an http(s) URL`);
  if (u.username || u.password) throw usageError('--url: the URL must not contain credentials');
  if (u.search || u.hash) throw usageError(`--url ${input}: the URL must not have a query or fragment`);
  const pathname = u.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return `${u.protocol}//${u.host}${pathname}`;
}

/** Whether sending a credential to this URL crosses a network in the clear. */
export function isCleartext(url: string): boolean {
  const u = new URL(url);
  if (u.protocol === 'https:') return false;
  return !['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
}

/** The stored configuration, or null without a file; warnings (a file others may read) for stderr. */
export function readConfig(file: string): { config: StoredConfig | null; warnings: string[] } {
  let text: string;
  const warnings: string[] = [];
  try {
    text = readFileSync(file, 'utf8');
    const mode = statSync(file).mode & 0o777;
    if (process.platform !== 'win32' && mode & 0o077)
      warnings.push(`${file} may be read by other users (mode ${mode.toString(8)}): run chmod 600 ${file}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { config: null, warnings };
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, EXIT.failed);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not valid JSON: run postern login again`, EXIT.auth);
  }
  const { url, apiKey } = (data ?? {}) as Record<string, unknown>;
  if (typeof url !== 'string' || typeof apiKey !== 'string' || !url || !apiKey)
    throw new CliError(`${file} lacks a url or an apiKey: run postern login again`, EXIT.auth);
  return { config: { url, apiKey }, warnings };
}

/**
 * Writes the configuration readable by its owner only: the directory is made (or set to) 0700,
 * the file is written to a new 0600 file beside it and renamed over the old one, so it is never
 * readable by others, not even for a moment, and a symlink in its place is replaced, not followed.
 */
export function writeConfig(file: string, config: StoredConfig): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(dir, 0o700);
  const temp = path.join(dir, `.config.json.${process.pid}.${Date.now()}`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify({ url: config.url, apiKey: config.apiKey }, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (process.platform !== 'win32') chmodSync(temp, 0o600);
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** Removes the stored configuration; false when there was none. */
export function removeConfig(file: string): boolean {
  try {
    rmSync(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** The URL and credential to call the API with: the environment first, then the config file. */
export function resolveCredentials(env: Env, stored: StoredConfig | null): Credentials {
  const envUrl = env.POSTERN_URL?.trim() || undefined;
  const envKey = env.POSTERN_API_KEY?.trim() || undefined;
  const url = envUrl ?? stored?.url;
  const apiKey = envKey ?? stored?.apiKey;
  if (!url || !apiKey)
    throw new CliError('not logged in', EXIT.auth, [
      'Run `postern login --url https://postern.example.com --api-key -` (the key on stdin),',
      'or set POSTERN_URL and POSTERN_API_KEY.',
    ]);
  const fromEnv = Boolean(envUrl) && Boolean(envKey);
  const fromFile = !envUrl && !envKey;
  return {
    url: normalizeUrl(url),
    apiKey,
    source: fromEnv ? 'environment' : fromFile ? 'config file' : 'environment and config file',
  };
}
