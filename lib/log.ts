import 'server-only';
import pino from 'pino';

// Structured logs. Tokens, passwords and keys never reach a log: callers pass none, and
// these paths are redacted in case a header bag or form slips through.
export const log = pino({
  level: process.env.LOG_LEVEL || (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  base: { app: 'postern' },
  redact: {
    paths: ['password', '*.password', 'token', '*.token', 'jwt', '*.jwt', 'headers.authorization',
      'headers["x-pomerium-authorization"]', '*.privateJwk', '*.privateSealed', 'secret', '*.secret'],
    censor: '[redacted]',
  },
});
