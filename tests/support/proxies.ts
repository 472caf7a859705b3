// Real reverse proxies from Debian's packages (nginx with auth_request, Caddy with
// forward_auth) in front of a tiny upstream, asking the console's verify endpoints about
// every request. Each proxy gets its own temporary prefix, config, logs and a free high
// port on 127.0.0.1; nothing under /etc, /var or on the system ports is touched.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './server';

export type ProxyName = 'nginx' | 'caddy';

export interface ProxyOptions {
  /** The console's base URL, e.g. http://127.0.0.1:3000; each proxy calls its own verify endpoint there. */
  consoleUrl: string;
  /** Where allowed requests go, e.g. http://127.0.0.1:8080 */
  upstreamUrl: string;
  /** Listening port on 127.0.0.1; a free one when omitted. */
  port?: number;
  /** The public host names the proxy serves (nginx server_name, Caddy site addresses); other hosts get 404. */
  serverNames: string[];
  /**
   * nginx only: serve HTTPS with this certificate and ask clients for a certificate
   * (`ssl_verify_client optional_no_ca`: any certificate is accepted and forwarded, so a
   * policy must pin it by fingerprint or SPKI hash).
   */
  tls?: { certFile: string; keyFile: string };
}

export interface RunningProxy {
  name: ProxyName;
  url: string;
  port: number;
  stop: () => Promise<void>;
  logs: () => string;
}

/**
 * The proxy's executable: NGINX_PATH / CADDY_PATH, else PATH, else where Debian puts it
 * (nginx is in /usr/sbin, which a non-login PATH may lack).
 */
export function proxyBinary(name: ProxyName): string {
  const override = process.env[`${name.toUpperCase()}_PATH`];
  if (override) return override;
  const dirs = [
    ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean),
    '/usr/sbin',
    '/usr/bin',
    '/usr/local/bin',
  ];
  for (const d of dirs) {
    const candidate = path.join(d, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return name;
}

/** null when the proxy binary is installed and has forward-auth support; otherwise why not. */
export function proxyUnavailable(name: ProxyName): string | null {
  if (name === 'nginx') {
    const r = spawnSync(proxyBinary('nginx'), ['-V'], { encoding: 'utf8' });
    if (r.error) return `nginx is not installed (${(r.error as NodeJS.ErrnoException).code}); apt-get install nginx`;
    const out = `${r.stdout}${r.stderr}`;
    if (!out.includes('--with-http_auth_request_module')) return `this nginx lacks the auth_request module:\n${out}`;
    return null;
  }
  const r = spawnSync(proxyBinary('caddy'), ['version'], { encoding: 'utf8' });
  if (r.error) return `caddy is not installed (${(r.error as NodeJS.ErrnoException).code}); apt-get install caddy`;
  const m = /v?(\d+)\.(\d+)/.exec(r.stdout);
  if (!m || Number(m[1]) < 2 || (Number(m[1]) === 2 && Number(m[2]) < 5))
    return `caddy ${r.stdout.trim()} has no forward_auth (needs 2.5+)`;
  return null;
}

// Children still running when the test process dies are killed with it, never left behind.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

async function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      s.destroy();
      resolve(false);
    });
  });
}

async function launch(
  name: ProxyName,
  dir: string,
  port: number,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  extraLog?: string,
): Promise<RunningProxy> {
  let output = '';
  const child = spawn(cmd, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  let spawnError: Error | null = null;
  child.once('error', (e) => {
    spawnError = e;
  });
  const exited = new Promise<void>((r) =>
    child.once('close', () => {
      running.delete(child);
      r();
    }),
  );
  const logs = () => {
    let extra = '';
    if (extraLog) {
      try {
        extra = readFileSync(extraLog, 'utf8');
      } catch {
        /* not written yet */
      }
    }
    return `${output}${extra ? `\n--- access log ---\n${extra}` : ''}`;
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM'); // nginx: fast shutdown; caddy: graceful stop
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(`${name} could not be started: ${(spawnError as Error).message}`);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      const out = logs();
      await stop();
      throw new Error(`${name} exited early (code ${child.exitCode}, signal ${child.signalCode}):\n${out}`);
    }
    if (await portAnswers(port)) break;
    if (Date.now() > deadline) {
      const out = logs();
      await stop();
      throw new Error(`${name} did not listen on ${port} within 15 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name, url: `http://127.0.0.1:${port}`, port, stop, logs };
}

/**
 * nginx with auth_request, configured as the README shows (its own endpoint, $host, an
 * explicit server_name and a default server that refuses other hosts). Quirks:
 * - The Debian build compiles in /var/lib/nginx/* temp paths and /run/nginx.pid: both are
 *   redirected into the temp prefix (*_temp_path in http{}, pid via -g). Its built-in
 *   error log is already stderr; `-e stderr` keeps other builds from opening
 *   /var/log/nginx/error.log before the config is read.
 * - As root, workers would switch to `nobody`; `user root;` keeps them able to use the
 *   0700 temp prefix (only emitted when running as root, where it is valid).
 * - auth_request maps the subrequest's 401/403 to 401/403 for the client (with nginx's
 *   own error page; WWW-Authenticate is passed on for 401). Any other status, including
 *   Postern's fail-closed 503, becomes a 500 for the client.
 */
export async function startNginx(opts: ProxyOptions): Promise<RunningProxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'postern-nginx-'));
  const port = opts.port ?? (await freePort());
  const verify = new URL(opts.consoleUrl);
  const upstream = new URL(opts.upstreamUrl);
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const ssl = opts.tls
    ? ` ssl;\n    ssl_certificate ${opts.tls.certFile};\n    ssl_certificate_key ${opts.tls.keyFile};\n    ssl_verify_client optional_no_ca`
    : '';
  const conf = `
${asRoot ? 'user root;' : ''}
worker_processes 1;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  upstream postern { server ${verify.host}; keepalive 8; }
  upstream app { server ${upstream.host}; keepalive 8; }

  # Hosts nobody configured are refused, never sent to an upstream.
  server {
    listen 127.0.0.1:${port} default_server${ssl};
    return 404;
  }

  server {
    listen 127.0.0.1:${port}${ssl};
    server_name ${opts.serverNames.join(' ')};

    location / {
      auth_request /_postern;
      auth_request_set $postern_sub $upstream_http_x_pomerium_claim_sub;
      auth_request_set $postern_assertion $upstream_http_x_pomerium_jwt_assertion;
      # proxy_set_header replaces whatever the client sent under these names.
      proxy_set_header X-Pomerium-Claim-Sub $postern_sub;
      proxy_set_header X-Pomerium-Jwt-Assertion $postern_assertion;
      proxy_set_header Host $host;
      proxy_set_header Connection "";
      proxy_http_version 1.1;
      proxy_pass http://app;
    }

    location = /_postern {
      internal;
      proxy_pass http://postern/api/v1/verify/auth-request;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      # $host (the matched server name), never $http_host (what the client wrote);
      # $request_uri is the raw target: Postern canonicalises it.
      proxy_set_header X-Original-URL $scheme://$host$request_uri;
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      # The client certificate (URL-encoded PEM), empty without one. Always set, so a
      # client cannot send its own X-Client-Cert through to Postern.
      proxy_set_header X-Client-Cert $ssl_client_escaped_cert;
      proxy_set_header Connection "";
      proxy_http_version 1.1;
    }
  }
}
`;
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const started = await launch(
    'nginx',
    dir,
    port,
    proxyBinary('nginx'),
    [
      '-e',
      'stderr',
      '-p',
      dir,
      '-c',
      path.join(dir, 'nginx.conf'),
      '-g',
      `daemon off; pid ${dir}/nginx.pid; error_log stderr;`,
    ],
    process.env,
    path.join(dir, 'access.log'),
  );
  return opts.tls ? { ...started, url: `https://127.0.0.1:${port}` } : started;
}

/**
 * Caddy with forward_auth, configured as the README shows. Quirks:
 * - `admin off` (no admin endpoint on :2019), `auto_https off` and an http:// site address
 *   (no certificates, no redirect listener on :80); `bind 127.0.0.1`.
 * - HOME/XDG_DATA_HOME/XDG_CONFIG_HOME point into the temp dir: Caddy writes its storage
 *   and autosave.json there instead of /root or /var/lib/caddy (Caddy 2.6's Caddyfile has no
 *   `persist_config off` global option yet: it refuses to adapt with it).
 * - forward_auth sends the original Host, X-Forwarded-Method and X-Forwarded-Uri, always
 *   with method GET; a non-2xx answer is passed to the client as is (Postern's JSON body),
 *   a 2xx one copies the listed headers onto the upstream request (replacing the client's).
 */
export async function startCaddy(opts: ProxyOptions): Promise<RunningProxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'postern-caddy-'));
  const port = opts.port ?? (await freePort());
  const verify = new URL(opts.consoleUrl);
  const upstream = new URL(opts.upstreamUrl);
  const caddyfile = `{
  admin off
  auto_https off
}

${opts.serverNames.map((n) => `http://${n}:${port}`).join(', ')} {
  bind 127.0.0.1
  log {
    output file ${dir}/access.log
  }
  forward_auth ${verify.host} {
    uri /api/v1/verify/forward-auth
    # Set, not passed through: the client must not describe its own request.
    header_up X-Forwarded-Host {host}
    copy_headers X-Pomerium-Claim-Sub X-Pomerium-Jwt-Assertion
  }
  reverse_proxy ${upstream.host}
}

http://:${port} {
  bind 127.0.0.1
  respond 404
}
`;
  writeFileSync(path.join(dir, 'Caddyfile'), caddyfile);
  return launch(
    'caddy',
    dir,
    port,
    proxyBinary('caddy'),
    ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
    {
      ...process.env,
      HOME: dir,
      XDG_DATA_HOME: path.join(dir, 'data'),
      XDG_CONFIG_HOME: path.join(dir, 'config'),
    },
    path.join(dir, 'access.log'),
  );
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}
export interface Upstream {
  url: string;
  hits: () => number;
  requests: SeenRequest[];
  stop: () => Promise<void>;
}

/** The protected service: answers 200 with a JSON echo of the request it received, and counts them. */
export async function startUpstream(): Promise<Upstream> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
      requests.push(seen);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(seen));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    hits: () => requests.length,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface ProxyResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One request through a proxy with a chosen Host header (fetch cannot set Host), on a
 * fresh connection.
 */
export function proxyRequest(
  proxyUrl: string,
  opts: {
    host: string;
    path?: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    /** HTTPS only: the client certificate to present, and the CA that signed the server's. */
    tls?: { cert?: string; key?: string; ca: string };
  },
): Promise<ProxyResponse> {
  const u = new URL(proxyUrl);
  const https = u.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(
      {
        ...(https
          ? {
              servername: opts.host,
              ca: opts.tls?.ca,
              cert: opts.tls?.cert,
              key: opts.tls?.key,
              checkServerIdentity: () => undefined,
            }
          : {}),
        host: u.hostname,
        port: u.port,
        method: opts.method ?? 'GET',
        path: opts.path ?? '/',
        agent: false,
        headers: {
          ...opts.headers,
          host: opts.host,
          ...(opts.body !== undefined ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}),
        },
        timeout: 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${proxyUrl} timed out`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Traefik's forwardAuth call to `base` about `method https://<host><uri>`: X-Forwarded-Method, -Proto, -Host, -Uri, -For (the client it saw). */
export const traefikForwardAuth = (
  base: string,
  host: string,
  uri: string,
  headers: Record<string, string> = {},
  method = 'GET',
) =>
  proxyRequest(base, {
    host: '127.0.0.1',
    path: '/api/v1/verify/forward-auth',
    headers: {
      'x-forwarded-method': method,
      'x-forwarded-proto': 'https',
      'x-forwarded-host': host,
      'x-forwarded-uri': uri,
      'x-forwarded-for': '203.0.113.7',
      ...headers,
    },
  });
