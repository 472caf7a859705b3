// Per-evaluation view of a request. Derived values (upper-cased method, path without
// query, parsed source IP) are computed on first use only, since most policies read
// one or two of them.
import { parseIp, type IpAddress } from './cidr';
import type { ClientCertificate, PolicyRequest, PolicyUser } from './types';

/** Three-valued result: an identity criterion cannot be decided for an anonymous caller. */
export const F = 0;
export const T = 1;
export const U = 2;
export type Tri = typeof F | typeof T | typeof U;

export interface Ctx {
  readonly request: PolicyRequest;
  readonly user: PolicyUser | null;
  readonly now: number;
  /**
   * Epoch ms before which the evaluation would come out the same (for the same request):
   * Infinity until a time criterion is evaluated, then at most the next whole second.
   */
  until: number;
  method: string | undefined;
  path: string | undefined;
  ip: IpAddress | null | undefined;
  cert: ClientCertificate | null | undefined;
}

export function makeContext(request: PolicyRequest): Ctx {
  return {
    request,
    user: request.user ?? null,
    now: request.now ? request.now.getTime() : Date.now(),
    until: Number.POSITIVE_INFINITY,
    method: undefined,
    path: undefined,
    ip: undefined,
    cert: undefined,
  };
}

export function methodOf(ctx: Ctx): string {
  if (ctx.method === undefined) ctx.method = (ctx.request.method ?? '').toUpperCase();
  return ctx.method;
}

export function pathOf(ctx: Ctx): string {
  if (ctx.path === undefined) {
    const p = ctx.request.path ?? '';
    // The query string and fragment are not part of the path a policy talks about.
    const cut = p.search(/[?#]/);
    ctx.path = cut === -1 ? p : p.slice(0, cut);
  }
  return ctx.path;
}

export function ipOf(ctx: Ctx): IpAddress | null {
  if (ctx.ip === undefined) {
    const s = ctx.request.sourceIp;
    ctx.ip = s ? parseIp(s) : null;
  }
  return ctx.ip;
}

export function headerOf(ctx: Ctx, lowerName: string): string | undefined {
  const headers = ctx.request.headers;
  if (!headers) return undefined;
  if (Object.hasOwn(headers, lowerName)) return headers[lowerName];
  for (const k of Object.keys(headers)) {
    if (k.length === lowerName.length && k.toLowerCase() === lowerName) return headers[k];
  }
  return undefined;
}

/** The forwarded client certificate, derived on first use (see PolicyRequest.clientCertificate). */
export function certOf(ctx: Ctx): ClientCertificate | null {
  if (ctx.cert === undefined) {
    const c = ctx.request.clientCertificate;
    ctx.cert = (typeof c === 'function' ? c() : c) ?? null;
  }
  return ctx.cert;
}

/**
 * A time criterion read the clock: its value holds until `change` (epoch ms; ignored when
 * not in the future) and in any case until the next whole second. Within a second nothing
 * a time criterion reads can jump: time zone offsets, and so local midnights and DST
 * transitions, fall on whole seconds.
 */
export function holds(ctx: Ctx, change: number): void {
  let until = Math.floor(ctx.now / 1000) * 1000 + 1000;
  if (change > ctx.now && change < until) until = change;
  if (until < ctx.until) ctx.until = until;
}
