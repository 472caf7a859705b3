// Fires N parallel wrong password sign-ins from a process of its own (so that generating them
// does not slow the test's own measurements) and prints [{ status, ms }] as JSON.
//   node sign-in-flood.mjs <url|sink> <n> <csrfToken> <cookie> <round>
// "sink": the same requests go to a minimal HTTP server inside this process that answers 429
// at once: the control run, which puts the load generator's own cost (1,000 connections on
// the same 2-core machine) on the baseline window too.
import http from 'node:http';

const [target, n, csrfToken, cookie, round = '0'] = process.argv.slice(2);
let url = target;
if (target === 'sink') {
  const sink = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end('{"url":"http://sink/api/auth/error?error=busy"}');
    });
  });
  await new Promise((r) => sink.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${sink.address().port}`;
}
const one = async (i) => {
  const start = performance.now();
  const res = await fetch(`${url}/api/auth/callback/credentials`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie,
      'x-forwarded-for': `10.${(i >> 8) & 255}.${i & 255}.${Number(round) + 1}`,
    },
    body: new URLSearchParams({
      email: `guess-${round}-${i}@example.com`,
      password: `wrong-${i}`,
      csrfToken,
      json: 'true',
    }),
  });
  await res.arrayBuffer();
  return { status: res.status, ms: Math.round(performance.now() - start) };
};
// Fires when the parent writes a line, so node's own start-up is not in the measured window.
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
const results = await Promise.all(
  Array.from({ length: Number(n) }, (_, i) => one(i).catch(() => ({ status: 0, ms: -1 }))),
);
process.stdout.write(JSON.stringify(results));
process.exit(0);
