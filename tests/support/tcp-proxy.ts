// A TCP proxy between a server under test and PostgreSQL that a fault test controls, so the
// machine's shared PostgreSQL cluster keeps running for everyone else:
//   stall()   PostgreSQL hangs: connections stay open, nothing moves either way, new ones are
//             accepted and wait (what a frozen host or a full disk looks like from outside);
//   down()    PostgreSQL is gone: every connection is reset and new ones are refused;
//   crash()   the host vanishes: nothing moves, new connections go nowhere, and when it is back
//             it knows none of the old connections (restore() resets them, as its TCP stack would);
//   partition() the network drops everything, and the connections it carried never come back
//             (a firewall or NAT that forgot them): no reset, no error, ever;
//   restore() PostgreSQL is back: stalled bytes flow again (crashed connections are reset), new
//             connections pass.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './server';

type Mode = 'pass' | 'stall' | 'down' | 'crash' | 'partition';

interface Pair {
  client: Socket;
  upstream: Socket | null;
  /** Opened or alive during a crash or partition: nothing moves on it any more. */
  lost: boolean;
  /** Lost in a crash: the restored host resets it (a partition's stays silent). */
  resetOnRestore: boolean;
  /** Bytes held back while stalled, per direction, in order. */
  toUpstream: Buffer[];
  toClient: Buffer[];
}

export interface TcpProxy {
  port: number;
  mode(): Mode;
  /** Open connections (both ends counted once). */
  connections(): number;
  stall(): void;
  down(): Promise<void>;
  crash(): void;
  partition(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target = { host: '127.0.0.1', port: 5432 }): Promise<TcpProxy> {
  const port = await freePort();
  const pairs = new Set<Pair>();
  let mode: Mode = 'pass';
  let server: Server | null = null;

  const drop = (p: Pair) => {
    p.client.destroy();
    p.upstream?.destroy();
    pairs.delete(p);
  };

  const openUpstream = (p: Pair) => {
    const up = connect(target.port, target.host);
    p.upstream = up;
    up.on('data', (chunk: Buffer) => {
      if (p.lost) return;
      if (mode === 'stall') p.toClient.push(chunk);
      else p.client.write(chunk);
    });
    up.on('error', () => drop(p)).on('close', () => drop(p));
    for (const chunk of p.toUpstream.splice(0)) up.write(chunk);
  };

  const accept = (client: Socket) => {
    const lost = mode === 'crash' || mode === 'partition';
    const p: Pair = { client, upstream: null, lost, resetOnRestore: mode === 'crash', toUpstream: [], toClient: [] };
    pairs.add(p);
    client.on('data', (chunk: Buffer) => {
      if (p.lost) return;
      if (mode === 'stall' || !p.upstream) p.toUpstream.push(chunk);
      else p.upstream.write(chunk);
    });
    client.on('error', () => drop(p)).on('close', () => drop(p));
    if (mode === 'pass') openUpstream(p);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer(accept);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve();
      });
    });

  const unlisten = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = null;
      if (!s) return resolve();
      s.close(() => resolve());
    });

  await listen();
  return {
    port,
    mode: () => mode,
    connections: () => pairs.size,
    stall() {
      mode = 'stall';
    },
    crash() {
      mode = 'crash';
      for (const p of pairs) Object.assign(p, { lost: true, resetOnRestore: true });
    },
    partition() {
      mode = 'partition';
      for (const p of pairs) Object.assign(p, { lost: true, resetOnRestore: false });
    },
    async down() {
      mode = 'down';
      const closed = unlisten();
      for (const p of [...pairs]) drop(p);
      await closed;
    },
    async restore() {
      const was = mode;
      mode = 'pass';
      if (was === 'down') await listen();
      for (const p of [...pairs]) {
        if (p.lost && !p.resetOnRestore) continue;
        if (p.lost) {
          p.client.resetAndDestroy();
          p.upstream?.destroy();
          pairs.delete(p);
          continue;
        }
        if (!p.upstream) openUpstream(p);
        else for (const chunk of p.toUpstream.splice(0)) p.upstream.write(chunk);
        for (const chunk of p.toClient.splice(0)) p.client.write(chunk);
      }
    },
    async close() {
      mode = 'down';
      const closed = unlisten();
      for (const p of [...pairs]) drop(p);
      await closed;
    },
  };
}
