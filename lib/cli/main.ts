// The `postern` executable's body: run() with this process's streams, then exit with its code
// once stdout has drained (a closed pipe, as in `postern history export | head`, is not an error).
import { homedir } from 'node:os';
import { CliError, EXIT } from './errors';
import { run } from './run';

function write(stream: NodeJS.WriteStream, text: string): void {
  if (text) stream.write(text);
}

/** A line typed on the terminal without echo (Enter ends it, Ctrl-C cancels). */
function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (result: string | null) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (result === null) reject(new CliError('cancelled', EXIT.usage));
      else resolve(result);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(value);
        if (ch === '\u0003') return done(null);
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** All of stdin; on a terminal, a secret is asked for without echo. */
async function readStdin(secretPrompt?: string): Promise<string> {
  if (process.stdin.isTTY) {
    if (secretPrompt) return readHidden(secretPrompt);
    process.stderr.write('(reading from stdin; end with Ctrl-D)\n');
  }
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
