// The decision log: one structured line per decision (pino), with Pomerium's authorize
// log field names where one exists (`authorize check`, method, path, host, ip,
// service-account-id, user, email, allow, deny) and ours beside them (family, route-id,
// policy, reason, status, duration-ms). Never the token, never a header bag.
//
//   DECISION_LOG          all | deny (default) | off
//   DECISION_LOG_SAMPLE   0–1 (default 1): the fraction of allowed decisions logged under
//                         `all`; denials are always logged unless the log is off
//
// Lines are pino's own format, encoded by `encodeDecisionLine` (the fields are known, so no
// generic serializer: pino's logger.info took ~6 µs a line, a fifth of a cached decision's
// whole cost in the verifier) into a buffered asynchronous writer (line-writer.ts:
// batches of 64 KiB, flushed every second and at exit, bounded at 8 MiB waiting, beyond
// which lines are dropped and counted). bench:core and the bench's verifier-logged target
// measure the cost.
import { log } from '@/lib/log';
import { LineWriter, type LineWriterOptions } from '@/lib/observe/line-writer';
import { observeDecisions, type Decision } from '@/lib/verify/core';

export type DecisionLogMode = 'all' | 'deny' | 'off';
export interface DecisionLogSettings {
  mode: DecisionLogMode;
  sample: number;
}

export function readDecisionLogSettings(env: NodeJS.ProcessEnv = process.env): DecisionLogSettings {
  const mode = (env.DECISION_LOG?.trim().toLowerCase() || 'deny') as DecisionLogMode;
  if (!['all', 'deny', 'off'].includes(mode))
    throw new Error(`DECISION_LOG must be all, deny or off, got "${env.DECISION_LOG}"`);
  const raw = env.DECISION_LOG_SAMPLE?.trim();
  const sample = raw ? Number(raw) : 1;
  if (!Number.isFinite(sample) || sample < 0 || sample > 1)
    throw new Error(`DECISION_LOG_SAMPLE must be a number from 0 to 1, got "${raw}"`);
  return { mode, sample };
}

const MESSAGE = 'authorize check';

let lastTime = -1;
let lastTimeText = '';
const timeText = (time: number) => (time === lastTime ? lastTimeText : ((lastTime = time), (lastTimeText = `${time}`)));

/**
 * `Math.round(ms * 1000) / 1000` as JSON writes it (three decimals at most, no trailing
 * zeros), from integers: turning a fraction into its shortest text is the costly part.
 */
export function millis(ms: number): string {
  const us = Math.round(ms * 1000);
  if (!(us >= 0 && us < 1e15)) return `${Math.round(ms * 1000) / 1000}`;
  const whole = Math.floor(us / 1000);
  let frac = us - whole * 1000;
  if (frac === 0) return `${whole}`;
  let digits = frac < 10 ? '00' : frac < 100 ? '0' : '';
  while (frac % 10 === 0) frac /= 10;
  digits += frac;
  return `${whole}.${digits}`;
}

/** The account's fields, encoded once for the accounts seen last. */
const accountTexts = new Map<
  string,
  { accountId: string | null; userId: string | null; email: string | null; bytes: Buffer }
>();
function accountBytes(d: Decision): Buffer {
  const key = d.accountId ?? '';
  const hit = accountTexts.get(key);
  // The whole triple is compared: the key alone cannot tell a missing id from an empty one.
  if (hit && hit.accountId === d.accountId && hit.userId === d.userId && hit.email === d.email) return hit.bytes;
  let text = '';
  if (d.accountId !== null) text += `,"service-account-id":${JSON.stringify(d.accountId)}`;
  if (d.userId !== null) text += `,"user":${JSON.stringify(d.userId)}`;
  if (d.email !== null) text += `,"email":${JSON.stringify(d.email)}`;
  if (accountTexts.size >= 10_000) accountTexts.clear();
  const bytes = Buffer.from(text);
  accountTexts.set(key, { accountId: d.accountId, userId: d.userId, email: d.email, bytes });
  return bytes;
}

/**
 * The decision's log line, the bytes `pino({ base }).info(fields, 'authorize check')`
 * writes (level 30, time, the base fields, the decision's fields without the absent ones,
 * the message; lib/observe/decision-log.test.ts holds them equal), encoded straight into
 * `buf` from `off` with no line string in between; returns where the line ends. Constant
 * parts are copied from buffers made once; strings a client can influence are written as
 * they are when they need no JSON escaping, through JSON.stringify when they do. A
 * decision leaves ~100 bytes of garbage instead of ~1.2 KB for a line string, which at
 * tens of thousands of decisions a second is what the young generation's collections cost
 * (bench:core). `buf` must have `decisionLineBound(d, enc)` bytes free.
 */
export function encodeDecisionLine(
  buf: Buffer,
  off: number,
  d: Decision,
  enc: LineEncoding,
  time = Date.now(),
): number {
  off = put(buf, off, OPEN);
  off = ascii(buf, off, timeText(time));
  off = put(buf, off, enc.base);
  off = put(buf, off, FAMILY[d.endpoint]!);
  const m = METHOD_BYTES[d.method];
  if (m) off = put(buf, off, m);
  else off = quote(buf, off, d.method);
  if (d.host !== null) off = field(buf, off, HOST_KEY, d.host);
  if (d.path !== null) off = field(buf, off, PATH_KEY, d.path);
  if (d.clientAddress !== null) off = field(buf, off, IP_KEY, d.clientAddress);
  if (d.accountId !== null || d.userId !== null || d.email !== null) off = put(buf, off, accountBytes(d));
  if (d.routeId !== null) off = field(buf, off, ROUTE_KEY, d.routeId);
  if (d.policy !== null) off = field(buf, off, POLICY_KEY, d.policy);
  off = put(buf, off, tail(d));
  off = ascii(buf, off, millis(d.latencyMs));
  off = put(buf, off, CLOSE);
  return off;
}

/** The most bytes `encodeDecisionLine` may write for `d` (JSON escapes take up to 6 per UTF-16 unit). */
export function decisionLineBound(d: Decision, enc: LineEncoding): number {
  const n =
    d.method.length +
    (d.host?.length ?? 0) +
    (d.path?.length ?? 0) +
    (d.clientAddress?.length ?? 0) +
    (d.accountId?.length ?? 0) +
    (d.userId?.length ?? 0) +
    (d.email?.length ?? 0) +
    (d.routeId?.length ?? 0) +
    (d.policy?.length ?? 0);
  return 400 + enc.base.length + 6 * n;
}

/** What every line of one log shares, encoded once. */
export interface LineEncoding {
  base: Buffer;
}
export const lineEncoding = (service: 'console' | 'verifier'): LineEncoding => ({
  // The base fields as pino writes them after the time.
  base: Buffer.from(`,"app":"postern","service":${JSON.stringify(service)},"family":"`),
});

const OPEN = Buffer.from('{"level":30,"time":');
const CLOSE = Buffer.from(`,"msg":"${MESSAGE}"}\n`);
const HOST_KEY = Buffer.from(',"host":');
const PATH_KEY = Buffer.from(',"path":');
const IP_KEY = Buffer.from(',"ip":');
const ROUTE_KEY = Buffer.from(',"route-id":');
const POLICY_KEY = Buffer.from(',"policy":');
const FAMILY: Record<string, Buffer> = Object.fromEntries(
  ['token', 'forward-auth', 'auth-request', 'ext-authz'].map((f) => [f, Buffer.from(`${f}","method":`)]),
);
const METHOD_BYTES: Record<string, Buffer> = Object.fromEntries(
  ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((m) => [m, Buffer.from(`"${m}"`)]),
);
/** Printable ASCII without a double quote or a backslash: JSON writes such a string as it is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function quote(buf: Buffer, off: number, s: string): number {
  if (PLAIN.test(s)) {
    buf[off++] = 0x22;
    off = ascii(buf, off, s);
    buf[off++] = 0x22;
    return off;
  }
  return off + buf.write(JSON.stringify(s), off);
}

function field(buf: Buffer, off: number, key: Buffer, value: string): number {
  return quote(buf, put(buf, off, key), value);
}

/** Copies `bytes` in (TypedArray#set: no call into C++ for a few dozen bytes, as Buffer#copy makes). */
function put(buf: Buffer, off: number, bytes: Buffer): number {
  buf.set(bytes, off);
  return off + bytes.length;
}

/** Writes a string known to be ASCII; short ones byte by byte, which beats a call into C++. */
function ascii(buf: Buffer, off: number, s: string): number {
  if (s.length > 64) return off + buf.write(s, off, 'latin1');
  for (let i = 0; i < s.length; i++) buf[off + i] = s.charCodeAt(i);
  return off + s.length;
}

/** `,"allow":…,"deny":…,"status":…,"reason":"…","duration-ms":` per status and reason. */
const tails = new Map<string, Map<number, Buffer>>();
function tail(d: Decision): Buffer {
  let byStatus = tails.get(d.reason);
  if (!byStatus) tails.set(d.reason, (byStatus = new Map()));
  let t = byStatus.get(d.status);
  if (!t) {
    t = Buffer.from(
      `,"allow":${d.allow},"deny":${!d.allow},"status":${d.status},"reason":"${d.reason}","duration-ms":`,
    );
    // allow follows from the status (200), so (reason, status) names the whole fragment.
    if (byStatus.size < 64) byStatus.set(d.status, t);
  }
  return t;
}

/**
 * Starts logging decisions as `settings` says; returns the function that stops it and
 * writes what is buffered. `fd` is for tests; by default, standard output.
 */
export function startDecisionLog(
  settings: DecisionLogSettings,
  service: 'console' | 'verifier',
  fd = 1,
  options: LineWriterOptions = {},
): () => Promise<void> {
  if (settings.mode === 'off') return async () => {};
  const writer = new LineWriter(fd, {
    onTrouble: ({ dropped, error }) =>
      log.warn({ dropped, error }, 'decision log: lines dropped (the destination does not keep up or refused them)'),
    ...options,
  });
  const enc = lineEncoding(service);
  const flush = () => writer.flushSync();
  process.once('exit', flush);
  const { mode, sample } = settings;
  const stop = observeDecisions((d) => {
    if (d.allow && (mode === 'deny' || (sample < 1 && Math.random() >= sample))) return;
    if (writer.reserve(decisionLineBound(d, enc)))
      writer.commit(encodeDecisionLine(writer.buffer, writer.offset, d, enc));
  });
  writers.add(writer);
  return async () => {
    stop();
    // A destination that does not drain within 2 s keeps the rest for the exit handler.
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 2000).unref()));
    if (!(await Promise.race([writer.close().then(() => false), gaveUp]))) process.off('exit', flush);
    clearTimeout(timer);
  };
}

const writers = new Set<LineWriter>();

/** Decision log lines dropped so far by this process (a metric: postern_decision_log_dropped_total). */
export function decisionLogDropped(): number {
  let n = 0;
  for (const w of writers) n += w.dropped;
  return n;
}
