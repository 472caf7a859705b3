import 'server-only';
import { getPrisma } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { Actor } from '@/lib/dal/actor';
import { atLeast, authorize, effectiveRoles } from '@/lib/dal/authz';
import { notFound, unauthorized } from '@/lib/dal/errors';
import { namespaceTree, subtreeIds } from '@/lib/dal/namespaces';
import { USAGE_RETENTION_DAYS } from '@/lib/dal/usage-store';
import { HOUR_MS } from '@/lib/verify/usage';
import { getServiceAccount, type ServiceAccountRow } from '@/lib/dal/service-accounts';
import type { Role } from '@/lib/dal/authz';

// Reads of the usage counts (usage_hours, written by lib/dal/usage-store.ts) for the accounts
// list, the account page and the namespace dashboard. Each checks Viewer on the namespace
// the accounts live in, like every other read.

const DAY_MS = 86_400_000;
export const UNUSED_DAYS = 30;

/**
 * "Unused for 30+ days": an active account (enabled, not expired) issued at least 30 days
 * ago that no request has used since (allowed or refused by a policy: either way someone
 * holds its token). The one definition for the accounts filter and the dashboard.
 */
export function unusedWhere(now: Date): Prisma.ServiceAccountWhereInput {
  const cutoff = new Date(now.getTime() - UNUSED_DAYS * DAY_MS);
  return {
    disabled: false,
    OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
    issuedAt: { lte: cutoff },
    AND: [{ OR: [{ accessedAt: null }, { accessedAt: { lt: cutoff } }] }],
  };
}

const num = (v: unknown) => Number(v ?? 0);

async function subtree(namespaceId: string): Promise<string[]> {
  return subtreeIds(await namespaceTree(), namespaceId);
}

/** Requests per day over the last 7 days (oldest first, the last entry ends now), per account. */
export interface Sparkline {
  days: number[];
  denied: number;
}

/** 7-day sparklines for the accounts shown on a page of the list (ids outside the namespace's subtree are ignored). */
export async function usageSparklines(
  actor: Actor | null | undefined,
  namespaceId: string,
  accountIds: string[],
  now = new Date(),
): Promise<Map<string, Sparkline>> {
  await authorize(actor, namespaceId, 'viewer');
  const out = new Map<string, Sparkline>();
  if (!accountIds.length) return out;
  const since = now.getTime() - 7 * DAY_MS;
  const rows = await (await getPrisma()).$queryRawUnsafe<
    { account_id: string; ago: number; total: number; denied: number }[]
  >(
    `SELECT u.account_id::text AS account_id,
            floor(extract(epoch FROM ($3::timestamptz - u.hour)) * 1000 / ${DAY_MS})::int AS ago,
            sum(u.allowed + u.denied)::float8 AS total, sum(u.denied)::float8 AS denied
       FROM usage_hours u JOIN service_accounts sa ON sa.id = u.account_id
      WHERE u.account_id = ANY($1::uuid[]) AND sa.namespace_id = ANY($2::text[])
        AND u.hour > $4::timestamptz - interval '1 hour' AND u.hour <= $3::timestamptz
      GROUP BY 1, 2`,
    accountIds,
    await subtree(namespaceId),
    now.toISOString(),
    new Date(since).toISOString(),
  );
  for (const r of rows) {
    const ago = Math.min(6, Math.max(0, num(r.ago)));
    let s = out.get(r.account_id);
    if (!s) out.set(r.account_id, (s = { days: [0, 0, 0, 0, 0, 0, 0], denied: 0 }));
    s.days[6 - ago]! += num(r.total);
    s.denied += num(r.denied);
  }
  return out;
}

export interface DayCount {
  /** YYYY-MM-DD, a UTC day. */
  day: string;
  allowed: number;
  denied: number;
}
export interface RouteUsage {
  /** '' for requests that judged no route (the token-only endpoint, or no route matched). */
  routeId: string;
  /** What the viewer may see of the route: its name and URL, or a neutral label. */
  label: string;
  url: string | null;
  allowed: number;
  denied: number;
}
export interface AccountUsage {
  /** The account with the caller's role on its namespace (getServiceAccount). */
  account: ServiceAccountRow & { role: Role };
  /** The last 30 UTC days, oldest first, today last. */
  days: DayCount[];
  topRoutes: RouteUsage[];
  /** The most recent request counted within the retention window. */
  last: { at: Date; address: string | null; route: string } | null;
}

const TOP_ROUTES = 5;

/** Labels routes for a viewer: a route in a namespace they cannot read is not named. */
async function routeLabels(actor: Actor, ids: string[]): Promise<Map<string, { label: string; url: string | null }>> {
  const out = new Map<string, { label: string; url: string | null }>();
  const real = ids.filter((id) => id !== '');
  const [routes, roles] = await Promise.all([
    real.length
      ? (await getPrisma()).route.findMany({
          where: { id: { in: real } },
          select: { id: true, name: true, host: true, pathPrefix: true, namespaceId: true },
        })
      : [],
    effectiveRoles(actor),
  ]);
  const byId = new Map(routes.map((r) => [r.id, r]));
  for (const id of ids) {
    if (id === '') {
      out.set(id, { label: 'No route (token check or unknown host)', url: null });
      continue;
    }
    const r = byId.get(id);
    if (!r) out.set(id, { label: 'A deleted route', url: null });
    else if (!atLeast(roles.get(r.namespaceId), 'viewer'))
      out.set(id, { label: 'A route in another namespace', url: null });
    else out.set(id, { label: r.name, url: `https://${r.host}${r.pathPrefix === '/' ? '' : r.pathPrefix}` });
  }
  return out;
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The account page's usage: 30 days of allowed and refused requests, the top routes, the last request. */
export async function accountUsage(
  actor: Actor | null | undefined,
  accountId: string,
  now = new Date(),
): Promise<AccountUsage> {
  if (!actor) throw unauthorized();
  if (!/^[0-9a-f-]{36}$/i.test(accountId)) throw notFound('The service account');
  // The account as the list shows it, read and permission-checked by the one account read.
  const account = await getServiceAccount(actor, accountId);
  const who = await authorize(actor, account.namespaceId, 'viewer');
  const prisma = await getPrisma();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = today - (USAGE_RETENTION_DAYS - 1) * DAY_MS;
  const since = new Date(first).toISOString();
  const [daily, routes, last] = await Promise.all([
    prisma.$queryRawUnsafe<{ day: string; allowed: number; denied: number }[]>(
      `SELECT to_char(date_trunc('day', hour AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
              sum(allowed)::float8 AS allowed, sum(denied)::float8 AS denied
         FROM usage_hours WHERE account_id = $1::uuid AND hour >= $2::timestamptz GROUP BY 1`,
      account.id,
      since,
    ),
    prisma.$queryRawUnsafe<{ route_id: string; allowed: number; denied: number }[]>(
      `SELECT route_id, sum(allowed)::float8 AS allowed, sum(denied)::float8 AS denied
         FROM usage_hours WHERE account_id = $1::uuid AND hour >= $2::timestamptz
        GROUP BY route_id ORDER BY sum(allowed + denied) DESC, route_id LIMIT ${TOP_ROUTES}`,
      account.id,
      since,
    ),
    prisma.usageHour.findFirst({
      where: { accountId: account.id },
      orderBy: { lastAt: 'desc' },
      select: { lastAt: true, lastAddress: true, routeId: true },
    }),
  ]);
  const byDay = new Map(daily.map((d) => [d.day, d]));
  const days: DayCount[] = [];
  for (let t = first; t <= today; t += DAY_MS) {
    const d = byDay.get(utcDay(t));
    days.push({ day: utcDay(t), allowed: num(d?.allowed), denied: num(d?.denied) });
  }
  const labels = await routeLabels(who, [...routes.map((r) => r.route_id), ...(last ? [last.routeId] : [])]);
  return {
    account,
    days,
    topRoutes: routes.map((r) => ({
      routeId: r.route_id,
      ...labels.get(r.route_id)!,
      allowed: num(r.allowed),
      denied: num(r.denied),
    })),
    last: last ? { at: last.lastAt, address: last.lastAddress, route: labels.get(last.routeId)!.label } : null,
  };
}

export interface StateCounts {
  /** Enabled and not expired (includes those expiring soon and the unused ones). */
  active: number;
  /** Active, expiring within 7 days. */
  expiring: number;
  /** Enabled, past their expiry. */
  expired: number;
  disabled: number;
  /** Active, unused for 30+ days (unusedWhere). */
  unused: number;
}
export interface HourCount {
  /** Start of the hour, epoch ms. */
  hour: number;
  allowed: number;
  denied: number;
}
export interface NamespaceUsage {
  counts: StateCounts;
  /** The last 24 hours, oldest first; the last entry is the current hour. */
  hours: HourCount[];
  /** Accounts and routes in the namespace and below, for the getting-started steps. */
  accounts: number;
  routes: number;
}

/** The namespace dashboard: accounts by state and the decisions about them over 24 hours, for the namespace and below. */
export async function namespaceUsage(
  actor: Actor | null | undefined,
  namespaceId: string,
  now = new Date(),
): Promise<NamespaceUsage> {
  await authorize(actor, namespaceId, 'viewer');
  const ids = await subtree(namespaceId);
  const prisma = await getPrisma();
  const inNs = { namespaceId: { in: ids } };
  const soon = new Date(now.getTime() + 7 * DAY_MS);
  const count = (where: Prisma.ServiceAccountWhereInput) =>
    prisma.serviceAccount.count({ where: { AND: [inNs, where] } });
  const current = now.getTime() - (now.getTime() % HOUR_MS);
  const from = current - 23 * HOUR_MS;
  const [active, expiring, expired, disabled, unused, accounts, routes, hourly] = await Promise.all([
    count({ disabled: false, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }),
    count({ disabled: false, expiresAt: { gt: now, lte: soon } }),
    count({ disabled: false, expiresAt: { lte: now } }),
    count({ disabled: true }),
    count(unusedWhere(now)),
    prisma.serviceAccount.count({ where: inNs }),
    prisma.route.count({ where: inNs }),
    prisma.$queryRawUnsafe<{ hour: number; allowed: number; denied: number }[]>(
      `SELECT (extract(epoch FROM u.hour) * 1000)::float8 AS hour,
              sum(u.allowed)::float8 AS allowed, sum(u.denied)::float8 AS denied
         FROM usage_hours u JOIN service_accounts sa ON sa.id = u.account_id
        WHERE sa.namespace_id = ANY($1::text[]) AND u.hour >= $2::timestamptz
        GROUP BY 1`,
      ids,
      new Date(from).toISOString(),
    ),
  ]);
  const byHour = new Map(hourly.map((h) => [num(h.hour), h]));
  const hours: HourCount[] = [];
  for (let h = from; h <= current; h += HOUR_MS) {
    const r = byHour.get(h);
    hours.push({ hour: h, allowed: num(r?.allowed), denied: num(r?.denied) });
  }
  return { counts: { active, expiring, expired, disabled, unused }, hours, accounts, routes };
}
