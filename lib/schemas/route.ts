import { z } from 'zod';
import { canonicalPath } from '@/lib/net/canonical-path';

export interface ParsedFrom {
  host: string;
  pathPrefix: string;
  url: string;
}

/** Normalizes a route's external URL: https only, no query, fragment or credentials. */
export function parseFrom(input: string): ParsedFrom | string {
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    return 'Enter a full URL, e.g. https://api.example.com/v1';
  }
  if (u.protocol !== 'https:') return 'The From URL must start with https://';
  if (u.username || u.password) return 'The From URL must not contain credentials.';
  if (u.search || input.includes('?')) return 'The From URL must not have a query string.';
  if (u.hash || input.includes('#')) return 'The From URL must not have a fragment.';
  if (!u.hostname) return 'The From URL needs a host.';
  // The same canonical form as the paths the verify path judges (a route /café matches).
  const rawPath = /^https:\/\/[^/?#]*(\/[^?#]*)?/i.exec(input.trim())?.[1] ?? '/';
  const canonical = canonicalPath(rawPath, { allowSemicolon: true, text: true });
  if (!canonical.ok) return `The path prefix is not a valid path (${canonical.reason}).`;
  const pathPrefix = canonical.path.replace(/\/+$/, '') || '/';
  const host = u.host.toLowerCase();
  return { host, pathPrefix, url: `https://${host}${pathPrefix === '/' ? '' : pathPrefix}` };
}

const fromUrl = z
  .string()
  .max(2048, 'The URL is too long.')
  .superRefine((s, ctx) => {
    const r = parseFrom(s);
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r });
  });

const toUrls = z
  .string()
  .max(8192)
  .superRefine((s, ctx) => {
    const urls = splitUrls(s);
    if (!urls.length) ctx.addIssue({ code: 'custom', message: 'Enter at least one upstream URL.' });
    if (urls.length > 20) ctx.addIssue({ code: 'custom', message: 'At most 20 upstream URLs.' });
    for (const t of urls) {
      let u: URL | null = null;
      try {
        u = new URL(t);
      } catch {
        /* reported below */
      }
      if (!u || !['http:', 'https:'].includes(u.protocol) || u.search || u.hash || u.username) {
        ctx.addIssue({ code: 'custom', message: `Not an http(s) upstream URL without query: ${t.slice(0, 80)}` });
        return;
      }
    }
  });

export const splitUrls = (s: string) =>
  s
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);

export const routeFormSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name.').max(100, 'Use at most 100 characters.'),
  from: fromUrl,
  to: toUrls,
  policyIds: z.array(z.string().uuid()).max(100).default([]),
  /** Lets a CI job present its platform token (of an issuer trusted here) instead of a Postern token. */
  acceptExternalTokens: z.boolean().default(false),
});
export type RouteFormValues = z.input<typeof routeFormSchema>;
export const createRouteSchema = routeFormSchema.extend({ namespaceId: z.string().min(1).max(64) });
export const updateRouteSchema = routeFormSchema.extend({ id: z.string().uuid() });
export const routeIdSchema = z.object({ id: z.string().uuid() });

export const policyCheckSchema = z.object({
  routeId: z.string().uuid('Pick a route.'),
  subject: z.string().trim().min(1, 'Pick an account or user.').max(256),
  method: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{1,16}$/, 'Enter an HTTP method.'),
  path: z.string().trim().max(2048).regex(/^\//, 'The path starts with /.'),
  sourceIp: z.string().trim().max(64).optional(),
});
