// Verify traffic for fault tests: N clients, each on its own keep-alive connection, asking
// the verify endpoint about tokens in turn and recording every answer (or the lack of one)
// with its start and end on the test's clock (performance.now()).
import http from 'node:http';

export interface LoadAnswer {
  client: number;
  /** The token's label (what the test calls it: "valid-1", "revoked-by-console", …). */
  label: string;
  start: number;
  end: number;
  /** 0: no HTTP answer (connection error or timeout; see `error`). */
  status: number;
  error?: string;
  /** The answer's JSON `error` field, when there is one ("revoked", "unavailable", …). */
  reason?: string;
}

export interface LoadToken {
  label: string;
  token: string;
}

export interface Load {
  answers: LoadAnswer[];
  /** Replaces the tokens the clients ask about from their next request on. */
  setTokens(tokens: LoadToken[]): void;
  /** Stops issuing requests and waits for the ones in flight; resolves to every answer. */
  stop(): Promise<LoadAnswer[]>;
}

export interface LoadOptions {
  clients: number;
  tokens: LoadToken[];
  /** Default /api/v1/verify. */
  path?: string;
  /** A request without an answer after this long counts as an error (default 15 s). */
  timeoutMs?: number;
  /** Pause between one client's requests (default 0: back to back). */
  pauseMs?: number;
}

function once(
  agent: http.Agent,
  url: URL,
  token: string,
  timeoutMs: number,
): Promise<{ status: number; error?: string; reason?: string }> {
  return new Promise((resolve) => {
    const req = http.request(url, { agent, method: 'GET', headers: { authorization: `Pomerium ${token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => {
        let reason: string | undefined;
        try {
          reason = (JSON.parse(body) as { error?: string }).error;
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, reason });
      });
      res.on('error', (err) => resolve({ status: 0, error: err.message }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ status: 0, error: err.message }));
    req.end();
  });
}

export function startLoad(baseUrl: string, opts: LoadOptions): Load {
  const url = new URL(opts.path ?? '/api/v1/verify', baseUrl);
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const answers: LoadAnswer[] = [];
  let tokens = opts.tokens;
  let running = true;
  let turn = 0;
  const clients = Array.from({ length: opts.clients }, async (_, client) => {
    // One socket per client, reused between its requests.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (running) {
        const { label, token } = tokens[turn++ % tokens.length]!;
        const start = performance.now();
        const r = await once(agent, url, token, timeoutMs);
        answers.push({ client, label, start, end: performance.now(), ...r });
        if (opts.pauseMs) await new Promise((res) => setTimeout(res, opts.pauseMs));
      }
    } finally {
      agent.destroy();
    }
  });
  return {
    answers,
    setTokens(next) {
      tokens = next;
    },
    async stop() {
      running = false;
      await Promise.all(clients);
      return answers;
    },
  };
}

/** Counts per status (and error), for messages: `{ "200": 812, "503": 40, "error: …": 1 }`. */
export function tally(answers: LoadAnswer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const key = a.status ? String(a.status) : `error: ${a.error}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** The p-th percentile (0–100) of these numbers, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
