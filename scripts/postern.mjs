#!/usr/bin/env node
// postern: the command line for Postern's REST API (source in lib/cli, README "Automation").
// Runs the bundle `npm run build` makes (.cli/postern.mjs: starts in a blink, needs nothing
// but Node), or, before a build, the TypeScript source in a child process with tsx's loader.
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../.cli/postern.mjs', import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  const { spawn } = await import('node:child_process');
  const source = fileURLToPath(new URL('../lib/cli/main.ts', import.meta.url));
  // tsx resolved from here, not from the caller's directory.
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), source, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1)));
}
