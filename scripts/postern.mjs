#!/usr/bin/env node
// postern: the command line for Postern's REST API (source in lib/cli, README "Automation").
// Runs the bundle `npm run build` makes (.cli/postern.mjs: starts in a blink, needs nothing
// but Node), or, before a build, the TypeScript source through tsx.
import { existsSync } from 'node:fs';

const bundle = new URL('../.cli/postern.mjs', import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  const { tsImport } = await import('tsx/esm/api');
  await tsImport('../lib/cli/main.ts', import.meta.url);
}
