// Calls the REST API's route handlers in process with real Request objects, as Next.js
// would: `Authorization: Bearer <credential>`, a JSON body, the path's params.
import { expect } from 'vitest';
import type { Actor } from '@/lib/dal/actor';
import type { Role } from '@/lib/dal/authz';
import { createApiKey } from '@/lib/dal/api-keys';
import { PEER_HEADER } from '@/lib/net/request-stamp';
import { uid } from './helpers';

// biome-ignore lint/suspicious/noExplicitAny: route handlers differ in their params' type
type Handler = (req: Request, ctx: { params: Promise<any> }) => Promise<Response>;

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked by each test
  body: any;
  text: string;
}

export async function apiCall(
  handler: Handler,
  opts: {
    method?: string;
    path: string;
    credential?: string | null;
    body?: unknown;
    headers?: Record<string, string>;
    params?: Record<string, string>;
    /** The client address the server stamps (each test file may use its own, for the failure throttle). */
    peer?: string;
  },
): Promise<ApiAnswer> {
  // One trusted proxy (TRUSTED_PROXY_HOPS=1) at 127.0.0.1 that saw the client at `peer`.
  const headers: Record<string, string> = {
    [PEER_HEADER]: '127.0.0.1',
    'x-forwarded-for': opts.peer ?? '192.0.2.1',
    ...opts.headers,
  };
  if (opts.credential) headers.authorization = `Bearer ${opts.credential}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const req = new Request(`http://localhost/api/v1${opts.path}`, { method: opts.method ?? 'GET', headers, body });
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** A personal API key of this user, capped at `cap` (their own role by default: no cap in effect). */
export async function apiKeyOf(actor: Actor, cap: Role, opts: { expiresInDays?: number; name?: string } = {}) {
  return createApiKey(actor, { name: opts.name ?? `key-${uid()}`, roleCap: cap, expiresInDays: opts.expiresInDays });
}

/** The handlers of every /api/v1 resource, by path. */
export const api = {
  namespaces: () => import('@/app/api/v1/namespaces/route'),
  namespace: () => import('@/app/api/v1/namespaces/[id]/route'),
  serviceAccounts: () => import('@/app/api/v1/service-accounts/route'),
  serviceAccount: () => import('@/app/api/v1/service-accounts/[id]/route'),
  revoke: () => import('@/app/api/v1/service-accounts/[id]/revoke/route'),
  rotate: () => import('@/app/api/v1/service-accounts/[id]/rotate/route'),
  routes: () => import('@/app/api/v1/routes/route'),
  route: () => import('@/app/api/v1/routes/[id]/route'),
  policies: () => import('@/app/api/v1/policies/route'),
  policy: () => import('@/app/api/v1/policies/[id]/route'),
  grants: () => import('@/app/api/v1/grants/route'),
  grant: () => import('@/app/api/v1/grants/[id]/route'),
  directoryUsers: () => import('@/app/api/v1/directory/users/route'),
  directoryGroups: () => import('@/app/api/v1/directory/groups/route'),
  history: () => import('@/app/api/v1/history/route'),
  apiKeys: () => import('@/app/api/v1/api-keys/route'),
  apiKey: () => import('@/app/api/v1/api-keys/[id]/route'),
};

/** An RFC 9457 problem of this status and code. */
export const problemOf = (status: number, code: string) => ({
  status,
  headers: expect.any(Headers),
  body: expect.objectContaining({
    type: `https://postern.dev/problems/${code}`,
    title: expect.any(String),
    status,
    detail: expect.any(String),
  }),
});
