import pino from 'pino';
import { SECRET_FIELD_NAMES } from '@/lib/secret-fields';

// Structured logs. Tokens, passwords and keys never reach a log: callers pass none, and
// these paths are redacted in case a header bag or form slips through.
export const logOptions: pino.LoggerOptions = {
  level: process.env.LOG_LEVEL || (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  base: { app: 'postern' },
  redact: {
    paths: [
      ...[...SECRET_FIELD_NAMES].flatMap((f) => [f, `*.${f}`]),
      'headers.authorization',
      'headers["x-pomerium-authorization"]',
      'headers.cookie',
      '*.headers.authorization',
      '*.headers["x-pomerium-authorization"]',
      '*.headers.cookie',
    ],
    censor: '[redacted]',
  },
};

export const log = pino(logOptions);
