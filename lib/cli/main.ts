// The `postern` executable's body: run() with this process's streams, then exit with its code
// once stdout has drained (a closed pipe, as in `postern history export | head`, is not an error).
import { homedir } from 'node:os';
import { run } from './run';

function write(stream: NodeJS.WriteStream, text: string): void {
  if (text) stream.write(text);
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('(reading from stdin; end with Ctrl-D)\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

void run(process.argv.slice(2), {
  stdout: (t) => write(process.stdout, t),
  stderr: (t) => write(process.stderr, t),
  readStdin,
  env: process.env,
  home: homedir(),
  now: () => new Date(),
  fetch,
}).then((code) => {
  // Exit explicitly (idle keep-alive sockets must not hold a finished command), after stdout is written.
  process.stdout.write('', () => process.exit(code));
});
