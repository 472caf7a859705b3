import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The decision core runs in the console and in the verifier, which has no Next.js and no
// database credentials: nothing it loads may reach for either. lib/verify/console.ts is the
// console's wiring of the same engine to its database, and only the console imports it.
const FREE = ['lib/verify', 'lib/tokens', 'lib/policy', 'lib/verifier', 'lib/net'];
const FORBIDDEN = [
  /from 'next[/']/,
  /'server-only'/,
  /from '@\/lib\/(db|dal\/|config|secrets|session)/,
  /lib\/verify\/console'/,
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

describe('framework-free decision core', () => {
  const files = FREE.flatMap(sources).filter((f) => f !== path.join('lib', 'verify', 'console.ts'));
  it('covers the core', () => {
    expect(files).toContain(path.join('lib', 'verify', 'core.ts'));
    expect(files).toContain(path.join('lib', 'verifier', 'main.ts'));
  });
  it.each(files)('%s imports no framework, database or console module', (file) => {
    const text = readFileSync(file, 'utf8');
    for (const re of FORBIDDEN) expect(text, `${file} matches ${re}`).not.toMatch(re);
  });
});
