// The decision log: one structured line per decision (pino), with Pomerium's authorize
// log field names where one exists (`authorize check`, method, path, host, ip,
// service-account-id, user, email, allow, deny) and ours beside them (family, route-id,
// policy, reason, status, duration-ms). Never the token, never a header bag.
//
//   DECISION_LOG          all | deny (default) | off
//   DECISION_LOG_SAMPLE   0–1 (default 1): the fraction of allowed decisions logged under
//                         `all`; denials are always logged unless the log is off
//
// Lines are pino's own format, written by `decisionLine` (the fields are known, so no
// generic serializer: pino's logger.info took ~6 µs a line, a fifth of a cached decision's
// whole cost in the verifier) through a buffered asynchronous writer (line-writer.ts:
// batches of 64 KiB, flushed every second and at exit, bounded at 8 MiB waiting, beyond
// which lines are dropped and counted). The bench's verifier-logged target measures the cost.
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

/** The line for one decision. */
export function decisionFields(d: Decision): Record<string, unknown> {
  return {
    family: d.endpoint,
    method: d.method,
    host: d.host ?? undefined,
    path: d.path ?? undefined,
    ip: d.clientAddress ?? undefined,
    'service-account-id': d.accountId ?? undefined,
    user: d.userId ?? undefined,
    email: d.email ?? undefined,
    'route-id': d.routeId ?? undefined,
    policy: d.policy ?? undefined,
    allow: d.allow,
    deny: !d.allow,
    status: d.status,
    reason: d.reason,
    'duration-ms': Math.round(d.latencyMs * 1000) / 1000,
  };
}

const MESSAGE = 'authorize check';

/**
 * The decision's log line, byte for byte what `pino({ base }).info(decisionFields(d),
 * 'authorize check')` writes (lib/observe/decision-log.test.ts holds them equal): level 30,
 * time, the base fields, the decision's fields without the absent ones, the message.
 * Strings a client can influence go through JSON.stringify; the rest are closed sets.
 */
export function decisionLine(d: Decision, base: string, time = Date.now()): string {
  let s = `{"level":30,"time":${time},${base}"family":"${d.endpoint}","method":${JSON.stringify(d.method)}`;
  if (d.host !== null) s += `,"host":${JSON.stringify(d.host)}`;
  if (d.path !== null) s += `,"path":${JSON.stringify(d.path)}`;
  if (d.clientAddress !== null) s += `,"ip":${JSON.stringify(d.clientAddress)}`;
  if (d.accountId !== null) s += `,"service-account-id":${JSON.stringify(d.accountId)}`;
  if (d.userId !== null) s += `,"user":${JSON.stringify(d.userId)}`;
  if (d.email !== null) s += `,"email":${JSON.stringify(d.email)}`;
  if (d.routeId !== null) s += `,"route-id":${JSON.stringify(d.routeId)}`;
  if (d.policy !== null) s += `,"policy":${JSON.stringify(d.policy)}`;
  return `${s},"allow":${d.allow},"deny":${!d.allow},"status":${d.status},"reason":"${d.reason}","duration-ms":${
    Math.round(d.latencyMs * 1000) / 1000
  },"msg":"${MESSAGE}"}\n`;
}

/** The base fields as they open every line: `"app":"postern","service":"…",`. */
export const decisionLineBase = (service: 'console' | 'verifier') =>
  `"app":"postern","service":${JSON.stringify(service)},`;

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
  const base = decisionLineBase(service);
  const flush = () => writer.flushSync();
  process.once('exit', flush);
  const { mode, sample } = settings;
  const stop = observeDecisions((d) => {
    if (d.allow && (mode === 'deny' || (sample < 1 && Math.random() >= sample))) return;
    writer.write(decisionLine(d, base));
  });
  droppedLines.add(writer);
  return async () => {
    stop();
    // A destination that does not drain within 2 s keeps the rest for the exit handler.
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 2000).unref()));
    if (!(await Promise.race([writer.close().then(() => false), gaveUp]))) process.off('exit', flush);
    clearTimeout(timer);
  };
}

const droppedLines = new Set<LineWriter>();

/** Decision log lines dropped so far by this process (a metric: postern_decision_log_dropped_total). */
export function decisionLogDropped(): number {
  let n = 0;
  for (const w of droppedLines) n += w.dropped;
  return n;
}
