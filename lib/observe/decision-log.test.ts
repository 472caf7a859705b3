import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Decision } from '@/lib/verify/core';
import { decisionLineBound, encodeDecisionLine, lineEncoding, millis } from '@/lib/observe/decision-log';

const full: Decision = {
  endpoint: 'forward-auth',
  status: 403,
  allow: false,
  reason: 'forbidden',
  method: 'POST',
  host: 'api.example.com',
  path: '/v1/"quoted"\\path\u0001\u2028ü',
  accountId: '0b8f1c7e-5a7e-4c7b-9d8e-3f1c2a4b5c6d',
  userId: 'ci-bot',
  email: 'ci@example.com',
  routeId: '3f1c2a4b-5c6d-4c7b-9d8e-0b8f1c7e5a7e',
  policy: 'deny "php"',
  clientAddress: '203.0.113.7',
  latencyMs: 0.123456,
};
const bare: Decision = {
  ...full,
  endpoint: 'token',
  status: 401,
  reason: 'missing_token',
  method: 'GET',
  host: null,
  path: null,
  accountId: null,
  userId: null,
  email: null,
  routeId: null,
  policy: null,
  clientAddress: null,
  latencyMs: 2,
};

/** The decision's fields as pino is given them (the spec the encoder is held to). */
function decisionFields(d: Decision): Record<string, unknown> {
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

const decisionLineBase = (service: 'console' | 'verifier') => `"app":"postern","service":${JSON.stringify(service)},`;

/**
 * The line as a string, every client string through JSON.stringify: the oracle for any
 * string (pino writes a lone surrogate raw, JSON.stringify escapes it, and so does the
 * encoder, so the fuzz below compares with this rather than with pino).
 */
function decisionLine(d: Decision, base: string, time = Date.now()): string {
  const q = JSON.stringify;
  let s = `{"level":30,"time":${time},${base}"family":"${d.endpoint}","method":${q(d.method)}`;
  if (d.host !== null) s += `,"host":${q(d.host)}`;
  if (d.path !== null) s += `,"path":${q(d.path)}`;
  if (d.clientAddress !== null) s += `,"ip":${q(d.clientAddress)}`;
  if (d.accountId !== null) s += `,"service-account-id":${q(d.accountId)}`;
  if (d.userId !== null) s += `,"user":${q(d.userId)}`;
  if (d.email !== null) s += `,"email":${q(d.email)}`;
  if (d.routeId !== null) s += `,"route-id":${q(d.routeId)}`;
  if (d.policy !== null) s += `,"policy":${q(d.policy)}`;
  return `${s},"allow":${d.allow},"deny":${!d.allow},"status":${d.status},"reason":"${d.reason}","duration-ms":${
    Math.round(d.latencyMs * 1000) / 1000
  },"msg":"authorize check"}\n`;
}

/** What the decision log writes for `d`, through the encoder the verifier uses. */
function encoded(d: Decision, service: 'console' | 'verifier', time = Date.now()): string {
  const enc = lineEncoding(service);
  const buf = Buffer.alloc(decisionLineBound(d, enc));
  return buf.subarray(0, encodeDecisionLine(buf, 0, d, enc, time)).toString();
}

/** What pino itself writes for the same fields, at a fixed time. */
function pinoLine(d: Decision, service: 'console' | 'verifier', time: number): string {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  const logger = pino({ base: { app: 'postern', service }, level: 'info', timestamp: () => `,"time":${time}` }, sink);
  logger.info(decisionFields(d), 'authorize check');
  return out;
}

describe('the decision log line', () => {
  it('writes exactly the line pino writes for the same decision, absent fields left out', () => {
    for (const d of [full, bare, { ...full, allow: true, status: 200, reason: 'allow' as const, policy: null }])
      for (const service of ['console', 'verifier'] as const) {
        const expected = pinoLine(d, service, 1796046037655);
        expect(expected).toContain('"msg":"authorize check"');
        expect(encoded(d, service, 1796046037655)).toBe(expected);
        expect(decisionLine(d, decisionLineBase(service), 1796046037655)).toBe(expected);
      }
  });

  it('is one line of JSON whatever the request carried, and never names the token', () => {
    const line = encoded(full, 'verifier');
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed).toMatchObject({ msg: 'authorize check', path: full.path, deny: true, 'duration-ms': 0.123 });
    expect(Object.keys(parsed).some((k) => /token|authorization/i.test(k))).toBe(false);
  });
});

describe('millis', () => {
  it('writes what JSON writes for the latency rounded to the microsecond', () => {
    const samples = [
      0, 0.0004, 0.0005, 0.001, 0.01, 0.1, 0.12, 0.123456, 1, 2, 9.9999, 10.05, 123.4, 1000.001, 86_400_000.5,
    ];
    for (let i = 0; i < 20_000; i++) samples.push(Math.random() * 10 ** Math.floor(Math.random() * 8));
    for (const ms of samples) expect(millis(ms)).toBe(JSON.stringify(Math.round(ms * 1000) / 1000));
  });
});

describe('the decision log line, repeated', () => {
  it('follows an account whose user id or email changed, and the time as it moves', () => {
    const a = { ...full, accountId: 'acc-1', userId: 'ci-bot', email: 'a@example.com' };
    for (const d of [a, { ...a, email: 'b@example.com' }, { ...a, userId: 'other', email: null }, a])
      for (const time of [1796046037655, 1796046037655, 1796046037656])
        expect(encoded(d, 'verifier', time)).toBe(pinoLine(d, 'verifier', time));
  });

  it('cannot be split or forged by what a client sends (log injection)', () => {
    // A proxied request whose path and host try to end the line and start a fake "allow" one.
    const forged = '{"level":30,"msg":"authorize check","allow":true,"user":"admin"}';
    const d: Decision = {
      ...full,
      path: `/x\n${forged}\r\n${forged}`,
      host: `evil.example\n${forged}`,
      method: `GET\n${forged}`,
      clientAddress: `1.2.3.4"\n${forged}`,
    };
    const line = encoded(d, 'verifier');
    expect(line.indexOf('\n')).toBe(line.length - 1);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed).toMatchObject({ path: d.path, host: d.host, method: d.method, ip: d.clientAddress, allow: false });
    expect(parsed.user).toBe(full.userId);
  });
});

describe('encodeDecisionLine', () => {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  const randomText = () => {
    const alphabet = ['a', 'Z', '/', ' ', '"', '\\', '\u0001', '\n', 'ü', '€', '\u2028', '😀', '\ud800', '.', '%', '~'];
    return Array.from({ length: Math.floor(Math.random() * 40) }, () => pick(alphabet)).join('');
  };
  const maybe = (v: string) => (Math.random() < 0.3 ? null : v);

  it('writes the same bytes as decisionLine, whatever the strings, within its bound', () => {
    for (const service of ['console', 'verifier'] as const) {
      const enc = lineEncoding(service);
      const base = decisionLineBase(service);
      for (let i = 0; i < 3000; i++) {
        const status = pick([200, 400, 401, 403, 503]);
        const d: Decision = {
          endpoint: pick(['token', 'forward-auth', 'auth-request', 'ext-authz'] as const),
          status,
          allow: status === 200,
          reason: pick(['allow', 'public', 'forbidden', 'no_route', 'revoked', 'unavailable'] as const),
          method: pick(['GET', 'POST', 'OPTIONS', 'PROPFIND', 'x"y', 'ü']),
          host: maybe(pick(['api.example.com', randomText()])),
          path: maybe(pick(['/orders/42', randomText()])),
          accountId: maybe(pick([full.accountId!, randomText()])),
          userId: maybe(pick(['ci-bot', randomText()])),
          email: maybe(pick(['ci@example.com', randomText()])),
          routeId: maybe(randomText()),
          policy: maybe(pick(['deny "php"', randomText()])),
          clientAddress: maybe(pick(['203.0.113.7', '::1', randomText()])),
          latencyMs: Math.random() * 50,
        };
        const time = 1796046037655 + (i % 3);
        const bound = decisionLineBound(d, enc);
        const buf = Buffer.alloc(bound + 16, 0xff);
        const end = encodeDecisionLine(buf, 8, d, enc, time);
        expect(end - 8).toBeLessThanOrEqual(bound);
        const line = decisionLine(d, base, time);
        if (!buf.subarray(8, end).equals(Buffer.from(line))) expect(buf.subarray(8, end).toString()).toBe(line);
        expect(buf[end]).toBe(0xff);
      }
    }
  });
});
