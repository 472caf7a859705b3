// Follows the console: a snapshot, then the change stream (server-sent events), with
// reconnection and backoff. Every event, heartbeats included, proves the console is alive;
// the replica stops answering when it has heard nothing for VERIFIER_MAX_STALENESS.
import type { JWK } from 'jose';
import type { EngineLog } from '@/lib/verify/types';
import { HEARTBEAT_MS, VERIFIER_KEY_HEADER, readSnapshot, type Delta } from '@/lib/verifier/protocol';
import type { Replica } from '@/lib/verifier/replica';
import type { UsageRecord } from '@/lib/verify/usage';

export interface SyncOptions {
  url: string;
  credential: string;
  publicJwk: JWK;
  replica: Replica;
  log: EngineLog & { info(obj: object, msg: string): void };
}

const MIN_BACKOFF_MS = 100;
/** Reconnection attempts are at most this far apart, so a returning console is followed within ~1 s. */
const MAX_BACKOFF_MS = 1_000;
/** A stream silent for this long is dead even if its socket is not. */
const SILENCE_MS = 3 * HEARTBEAT_MS;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class SyncClient {
  private stopped = false;
  private abort: AbortController | null = null;
  private needSnapshot = true;
  private readonly headers: Record<string, string>;

  constructor(private readonly o: SyncOptions) {
    this.headers = {
      authorization: `Bearer ${o.credential}`,
      [VERIFIER_KEY_HEADER]: Buffer.from(JSON.stringify(o.publicJwk)).toString('base64url'),
    };
  }

  private endpoint(path: string) {
    return `${this.o.url}/api/v1/verifier/${path}`;
  }

  async run(): Promise<void> {
    let backoff = MIN_BACKOFF_MS;
    let lastError = '';
    while (!this.stopped) {
      try {
        if (this.needSnapshot || this.o.replica.version === null) await this.snapshot();
        await this.follow(() => {
          backoff = MIN_BACKOFF_MS;
          lastError = '';
        });
      } catch (err) {
        const msg = (err as Error)?.message ?? String(err);
        // One line per kind of failure, not one per attempt.
        if (msg !== lastError) this.o.log.warn({ err: msg }, 'verifier: cannot follow the console; retrying');
        lastError = msg;
      }
      if (this.stopped) break;
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  private async snapshot(): Promise<void> {
    const started = Date.now();
    const res = await fetch(this.endpoint('snapshot'), { headers: this.headers, signal: AbortSignal.timeout(30_000) });
    if (!res.ok || !res.body) throw new HttpError(res.status, `snapshot: HTTP ${res.status}`);
    const loader = this.o.replica.snapshotLoader();
    const head = await readSnapshot(
      res.body as unknown as AsyncIterable<Uint8Array>,
      () => {},
      (a) => loader.add(a),
    );
    await loader.commit(head);
    this.needSnapshot = false;
    this.o.log.info(
      { version: head.version, accounts: head.accounts, routes: head.routes.routes.length, ms: Date.now() - started },
      'verifier: snapshot loaded',
    );
  }

  private async follow(connected: () => void): Promise<void> {
    const { replica } = this.o;
    const abort = new AbortController();
    this.abort = abort;
    let silence: NodeJS.Timeout | null = null;
    const watch = () => {
      if (silence) clearTimeout(silence);
      silence = setTimeout(() => abort.abort(new Error('the change stream went silent')), SILENCE_MS);
    };
    try {
      watch();
      const res = await fetch(`${this.endpoint('stream')}?since=${replica.version}`, {
        headers: this.headers,
        signal: abort.signal,
      });
      if (!res.ok || !res.body) throw new HttpError(res.status, `stream: HTTP ${res.status}`);
      connected();
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        watch();
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const raw = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          if (await this.handle(raw)) return;
        }
      }
      throw new Error('the console closed the change stream');
    } finally {
      if (silence) clearTimeout(silence);
      abort.abort();
    }
  }

  /** Applies one event; true when the stream must be left (a snapshot is needed). */
  private async handle(raw: string): Promise<boolean> {
    let event = 'message';
    let data = '';
    for (const line of raw.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    const { replica } = this.o;
    if (event === 'heartbeat') {
      replica.heard();
      return false;
    }
    if (event === 'change') {
      const d = JSON.parse(data) as Delta;
      if (replica.version === null || BigInt(d.from) !== replica.version) {
        this.needSnapshot = true;
        return true;
      }
      await replica.applyDelta(d);
      return false;
    }
    if (event === 'reset') {
      this.needSnapshot = true;
      return true;
    }
    return false;
  }

  /** The ids of accounts this verifier saw used, for the console's "last used", and their requests per hour and route. */
  async sendAccessed(ids: string[], usage: UsageRecord[] = []): Promise<void> {
    const res = await fetch(this.endpoint('accessed'), {
      method: 'POST',
      headers: { authorization: this.headers.authorization!, 'content-type': 'application/json' },
      body: JSON.stringify({ ids, usage }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new HttpError(res.status, `accessed: HTTP ${res.status}`);
  }
}
