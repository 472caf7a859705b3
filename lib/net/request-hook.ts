import http from 'node:http';

/**
 * Runs before Next.js sees a request. Answers true when it has answered the request itself
 * (Next.js then never sees it).
 */
export type RequestHook = (req: http.IncomingMessage, res: http.ServerResponse) => boolean | undefined;

/**
 * The one place Postern reaches under Next.js: every HTTP server of the process passes each
 * request through these hooks, in the order they were added, before its own handler. Next.js
 * offers no such hook (middleware runs after routing and sees no socket), so the server's
 * `emit` is wrapped once; each hook is added once by name (modules may be evaluated twice).
 */
const servers = globalThis as unknown as {
  __posternServers?: { seen: Set<http.Server>; watchers: Set<(server: http.Server) => void> };
};
const serverRegistry = (servers.__posternServers ??= { seen: new Set(), watchers: new Set() });

/**
 * The HTTP servers of this process that have received a connection (the one `next start`
 * listens with: it is made before any of our code runs), and a watch for the next ones.
 * A server that never received a connection has nothing in flight.
 */
export function httpServers(): ReadonlySet<http.Server> {
  return serverRegistry.seen;
}
export function onNewHttpServer(watch: (server: http.Server) => void): void {
  serverRegistry.watchers.add(watch);
}

export function addRequestHook(name: string, hook: RequestHook): void {
  const slot = globalThis as unknown as { __posternRequestHooks?: Map<string, RequestHook> };
  if (!slot.__posternRequestHooks) {
    const hooks = new Map<string, RequestHook>();
    slot.__posternRequestHooks = hooks;
    const emit = http.Server.prototype.emit as (this: http.Server, e: string | symbol, ...a: unknown[]) => boolean;
    http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
      if ((event === 'connection' || event === 'request') && !serverRegistry.seen.has(this)) {
        serverRegistry.seen.add(this);
        for (const watch of serverRegistry.watchers) watch(this);
      }
      if (event === 'request') {
        const req = args[0] as http.IncomingMessage;
        const res = args[1] as http.ServerResponse;
        for (const h of hooks.values()) if (h(req, res)) return true;
      }
      return emit.call(this, event, ...args);
    } as typeof http.Server.prototype.emit;
  }
  if (!slot.__posternRequestHooks.has(name)) slot.__posternRequestHooks.set(name, hook);
}
