// A buffered, asynchronous writer of log lines to a file descriptor, for the decision log.
//
// Why not pino's destination (sonic-boom): its write() measures the whole pending buffer
// with Buffer.byteLength on every line, and that buffer grows to 16 KB while a write is
// in flight, so each 300-byte line cost a scan (and a flattening) of up to 16 KB: ~3.5 µs
// a line to /dev/null, more than the decision itself. Here a line is encoded into a
// buffer (~0.2 µs); the batch is written once it reaches `batchBytes`, every `flushMs`,
// and at exit, each batch in one write(2) on libuv's thread pool.
//
// The buffer is bounded (`maxBufferedBytes`): when the destination cannot keep up (a
// stalled pipe, a full disk), lines beyond the bound are dropped and counted rather than
// let a verifier's memory grow without end or block the event loop that answers the proxy
// tier. Partial writes (pipes) continue where they stopped; EAGAIN is retried shortly.
// One batch is in flight at a time, so lines land in the order they were written.
//
// Buffers are reused: a written one goes back to a small free list. A fresh 64 KiB buffer
// per batch (~150 a second on a busy verifier) cost the garbage collector more than the
// encoding (bench/README.md). A batch of several buffers leaves in one writev(2), uncopied.
import fs from 'node:fs';

export interface LineWriterOptions {
  /** Write once this many bytes are waiting (default 64 KiB). */
  batchBytes?: number;
  /** Write what is waiting at least this often, in ms (default 1000). */
  flushMs?: number;
  /** Drop lines while this many bytes wait for the destination (default 8 MiB). */
  maxBufferedBytes?: number;
  /** Called on drops or write errors, at most once per 10 s (never with a line's content). */
  onTrouble?: (what: { dropped: number; error?: string }) => void;
}

const RETRY_MS = 10;
const REPORT_EVERY_MS = 10_000;
/** Written buffers kept for reuse: one being filled, one in flight and a spare cover the steady state. */
const FREE_MAX = 4;

export class LineWriter {
  /** Filled buffers waiting to be written, in order (views of whole chunks in `owners`). */
  private pending: Buffer[] = [];
  private owners: Buffer[] = [];
  /** Chunk-sized buffers written and free to fill again. */
  private free: Buffer[] = [];
  /** The buffer lines are encoded into now, and how much of it is used. */
  private current: Buffer;
  private used = 0;
  /** Bytes in `pending` and `current`. */
  private pendingBytes = 0;
  private writing = false;
  private closed = false;
  /** close() calls waiting for the batch in flight. */
  private readonly waiting: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly batchBytes: number;
  private readonly chunkBytes: number;
  private readonly maxBufferedBytes: number;
  /** Lines dropped since start (the buffer was full, or the destination refused them). */
  dropped = 0;
  private lastReport = 0;

  constructor(
    private readonly fd: number,
    private readonly options: LineWriterOptions = {},
  ) {
    this.batchBytes = options.batchBytes ?? 64 * 1024;
    this.chunkBytes = Math.max(4096, this.batchBytes);
    this.maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.current = Buffer.allocUnsafeSlow(this.chunkBytes);
    this.timer = setInterval(() => this.flush(), options.flushMs ?? 1000).unref();
  }

  /**
   * Queues one line (with its newline). Never throws, never blocks. The line is encoded
   * into an off-heap buffer at once, so the string dies young: holding a batch of strings
   * until the write kept them alive across scavenges, and the garbage collector's copying
   * cost more than building the line.
   */
  write(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.reserve(line.length * 3)) this.commit(this.used + this.current.write(line, this.used));
  }

  /**
   * For writers that encode a line themselves, with no string in between: makes room for
   * `maxBytes` in `buffer` from `offset`, or returns false when the line must be dropped
   * (the bound is reached). Encode, then `commit(end)`.
   */
  reserve(maxBytes: number): boolean {
    if (this.closed || this.pendingBytes >= this.maxBufferedBytes) {
      this.drop(1);
      return false;
    }
    if (maxBytes > this.current.length - this.used) {
      this.seal();
      if (maxBytes > this.current.length) this.current = Buffer.allocUnsafeSlow(maxBytes);
    }
    return true;
  }

  /** The buffer a reserved line is encoded into, and where it starts. */
  get buffer(): Buffer {
    return this.current;
  }
  get offset(): number {
    return this.used;
  }

  /** The reserved line is encoded up to `end` (exclusive). */
  commit(end: number): void {
    this.pendingBytes += end - this.used;
    this.used = end;
    if (!this.writing && this.pendingBytes >= this.batchBytes) this.flush();
  }

  /** Moves the current buffer's lines to `pending` and starts filling another. */
  private seal(): void {
    if (this.used === 0) return;
    this.pending.push(this.current.subarray(0, this.used));
    this.owners.push(this.current);
    this.current = this.free.pop() ?? Buffer.allocUnsafeSlow(this.chunkBytes);
    this.used = 0;
  }

  /** Everything waiting, and nothing waiting any more: the views to write and the buffers they belong to. */
  private take(): { views: Buffer[]; owners: Buffer[] } | null {
    this.seal();
    if (this.pending.length === 0) return null;
    const batch = { views: this.pending, owners: this.owners };
    this.pending = [];
    this.owners = [];
    this.pendingBytes = 0;
    return batch;
  }

  /** Written buffers back to the free list (an oversized one, made for one long line, is let go). */
  private release(owners: Buffer[]): void {
    for (const b of owners) if (b.length === this.chunkBytes && this.free.length < FREE_MAX) this.free.push(b);
  }

  /** Starts writing what is waiting, unless a write is already in flight (it continues with the rest). */
  flush(): void {
    if (this.writing) return;
    const batch = this.take();
    if (!batch) return;
    this.writing = true;
    this.send(batch.views, batch.owners);
  }

  /** Writes `views` in one writev(2), and again from where a partial write stopped. */
  private send(views: Buffer[], owners: Buffer[]): void {
    fs.writev(this.fd, views, null, (err, written) => {
      if (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
          setTimeout(() => this.send(views, owners), RETRY_MS).unref();
          return;
        }
        this.drop(this.linesIn(views), err.message);
      } else {
        const rest = after(views, written);
        if (rest.length) {
          this.send(rest, owners);
          return;
        }
      }
      this.release(owners);
      this.writing = false;
      if (this.pendingBytes >= this.batchBytes || (this.closed && this.pendingBytes)) this.flush();
      if (!this.writing) for (const resolve of this.waiting.splice(0)) resolve();
    });
  }

  /**
   * Writes everything waiting, synchronously: for the process's `exit`, when no callback
   * will run any more. If a batch is still in flight on the thread pool then, these lines
   * may land before it (the only case where order is not kept).
   */
  flushSync(): void {
    const batch = this.take();
    if (!batch) return;
    let views = batch.views;
    let retries = 0;
    while (views.length) {
      try {
        views = after(views, fs.writevSync(this.fd, views));
      } catch (err) {
        // A non-blocking pipe that is full: wait a little, at most ~1 s in all.
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN' && retries++ < 100) {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS);
          continue;
        }
        this.drop(this.linesIn(views), (err as Error).message);
        return;
      }
    }
  }

  /** Stops taking lines and resolves once everything waiting is written, in order. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    while (this.writing || this.pendingBytes) {
      if (!this.writing) this.flush();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private linesIn(views: Buffer[]): number {
    let n = 0;
    for (const v of views) for (let i = v.indexOf(10); i !== -1; i = v.indexOf(10, i + 1)) n++;
    return n;
  }

  private drop(n: number, error?: string): void {
    this.dropped += n;
    const now = Date.now();
    if (now - this.lastReport < REPORT_EVERY_MS) return;
    this.lastReport = now;
    this.options.onTrouble?.(error === undefined ? { dropped: this.dropped } : { dropped: this.dropped, error });
  }
}

/** What of `views` is left after the first `written` bytes. */
function after(views: Buffer[], written: number): Buffer[] {
  let i = 0;
  while (i < views.length && written >= views[i]!.length) written -= views[i++]!.length;
  if (i === views.length) return [];
  const rest = views.slice(i);
  if (written > 0) rest[0] = rest[0]!.subarray(written);
  return rest;
}
