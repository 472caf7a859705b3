import 'server-only';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';

// SMTP settings for email notices, from the environment (README "Email notices"):
//   SMTP_URL                   smtp://user:password@host:587 or smtps://…:465 (user and password URL-encoded)
//   or SMTP_HOST, SMTP_PORT (587; 465 = TLS from the start), SMTP_USER, SMTP_PASSWORD
//   SMTP_FROM                  the sender, e.g. "Postern <postern@example.com>" (default postern@<POSTERN_URL host>)
// Neither SMTP_URL nor SMTP_HOST: no email is sent. The password is never logged.

export interface SmtpSettings {
  transport: SMTPTransport.Options;
  from: string;
  /** host:port, for logs (never the URL: it may hold the password). */
  server: string;
}

function port(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be a port number (1-65535).`);
  return n;
}

/** null when email is not configured; throws on a malformed setting, so a bad start is loud. */
export function smtpSettings(
  env: Record<string, string | undefined> = process.env,
  publicUrl = 'http://localhost:3000',
): SmtpSettings | null {
  let host: string;
  let p: number;
  let secure: boolean;
  let user: string | undefined;
  let pass: string | undefined;
  if (env.SMTP_URL) {
    let u: URL;
    try {
      u = new URL(env.SMTP_URL);
    } catch {
      throw new Error('SMTP_URL is not a valid URL (smtp://user:password@host:587 or smtps://…).');
    }
    if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:')
      throw new Error('SMTP_URL must start with smtp:// or smtps://.');
    secure = u.protocol === 'smtps:';
    host = u.hostname.replace(/^\[|\]$/g, '');
    p = port(u.port, secure ? 465 : 587, 'SMTP_URL');
    user = u.username ? decodeURIComponent(u.username) : undefined;
    pass = u.password ? decodeURIComponent(u.password) : undefined;
  } else if (env.SMTP_HOST) {
    host = env.SMTP_HOST.trim();
    p = port(env.SMTP_PORT, 587, 'SMTP_PORT');
    secure = p === 465;
    user = env.SMTP_USER || undefined;
    pass = env.SMTP_PASSWORD || undefined;
  } else {
    return null;
  }
  if (!host) throw new Error('The SMTP host is empty.');
  const from = env.SMTP_FROM?.trim() || `postern@${new URL(publicUrl).hostname}`;
  if (/[\r\n]/.test(from)) throw new Error('SMTP_FROM must be one line.');
  return {
    transport: {
      host,
      port: p,
      secure,
      // With a password, refuse to send it over a connection that did not turn to TLS.
      requireTLS: !secure && !!user,
      auth: user ? { user, pass } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    },
    from,
    server: `${host}:${p}`,
  };
}
