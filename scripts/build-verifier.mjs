#!/usr/bin/env node
// Builds the verifier (lib/verifier/main.ts) into one ES module, .verifier/verifier.mjs, with
// its gRPC protos beside it. Dependencies stay in node_modules. A plain module starts in a
// fraction of the time and memory of compiling TypeScript at start (bench/README.md).
import { build } from 'esbuild';
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, '.verifier');
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [path.join(root, 'scripts/verifier.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  outfile: path.join(out, 'verifier.mjs'),
  tsconfig: path.join(root, 'tsconfig.json'),
  logLevel: 'warning',
});
cpSync(path.join(root, 'lib/verifier/proto'), path.join(out, 'proto'), { recursive: true });
