import { describe, it, expect } from 'vitest';
import http from 'node:http';
import { once } from 'node:events';
import { drainServer } from './drain';

/** A server whose answers take `delayMs`; its port. */
async function slowServer(delayMs: number) {
  const server = http.createServer((_req, res) => {
    setTimeout(() => res.end('done'), delayMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

const get = (port: number) =>
  new Promise<string>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/' }, (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });

describe('drainServer', () => {
  it('lets a request in flight finish, refuses new connections, and closes idle keep-alive ones', async () => {
    const { server, port } = await slowServer(300);
    const idleClient = await get(port); // leaves a keep-alive connection behind
    expect(idleClient).toBe('done');
    const inFlight = get(port);
    await new Promise((r) => setTimeout(r, 50));
    const drained = drainServer(server, 10_000);
    await expect(get(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await inFlight).toBe('done');
    expect(await drained).toBe(true);
    expect(server.listening).toBe(false);
  });

  it('cuts what is still open after the timeout and says so', async () => {
    const { server, port } = await slowServer(60_000);
    const stuck = get(port).catch((err: NodeJS.ErrnoException) => err.code);
    await new Promise((r) => setTimeout(r, 50));
    expect(await drainServer(server, 200)).toBe(false);
    expect(await stuck).toBe('ECONNRESET');
  });
});
