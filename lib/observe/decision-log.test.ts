import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Decision } from '@/lib/verify/core';
import { decisionFields, decisionLine, decisionLineBase, millis } from '@/lib/observe/decision-log';

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

describe('decisionLine', () => {
  it('writes exactly the line pino writes for the same decision, absent fields left out', () => {
    for (const d of [full, bare, { ...full, allow: true, status: 200, reason: 'allow' as const, policy: null }])
      for (const service of ['console', 'verifier'] as const) {
        const expected = pinoLine(d, service, 1796046037655);
        expect(expected).toContain('"msg":"authorize check"');
        expect(decisionLine(d, decisionLineBase(service), 1796046037655)).toBe(expected);
      }
  });

  it('is one line of JSON whatever the request carried, and never names the token', () => {
    const line = decisionLine(full, decisionLineBase('verifier'));
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

describe('decisionLine, repeated', () => {
  it('follows an account whose user id or email changed, and the time as it moves', () => {
    const base = decisionLineBase('verifier');
    const a = { ...full, accountId: 'acc-1', userId: 'ci-bot', email: 'a@example.com' };
    for (const d of [a, { ...a, email: 'b@example.com' }, { ...a, userId: 'other', email: null }, a])
      for (const time of [1796046037655, 1796046037655, 1796046037656])
        expect(decisionLine(d, base, time)).toBe(pinoLine(d, 'verifier', time));
  });
});
