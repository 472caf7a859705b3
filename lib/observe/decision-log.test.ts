import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Decision } from '@/lib/verify/core';
import { decisionFields, decisionLine, decisionLineBase } from '@/lib/observe/decision-log';

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
