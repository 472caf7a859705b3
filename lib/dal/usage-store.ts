import 'server-only';
import { getPrisma } from '@/lib/db';
import { log } from '@/lib/log';
import { HOUR_MS, mergeUsage, type UsageRecord } from '@/lib/verify/usage';

// Writes for the verify path's usage counts (lib/verify/usage.ts), off the request path: the
// engine flushes every 10 s, verifiers report through POST /api/v1/verifier/accessed. No
// console user is involved; the counts come from the engine's own checks of the token.

export const USAGE_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * One statement per flush: every (account, hour, route) row is inserted or added to
 * (unnest arrays, ON CONFLICT DO UPDATE), so concurrent flushes from several instances and
 * verifiers sum. Accounts that no longer exist, and hours outside the retention window (a
 * verifier's clock), are skipped.
 */
export async function recordUsage(records: readonly UsageRecord[], now = Date.now()): Promise<number> {
  const rows = mergeUsage(records).filter(
    (r) => r.hour >= now - USAGE_RETENTION_DAYS * DAY_MS && r.hour <= now + HOUR_MS && r.allowed + r.denied > 0,
  );
  if (!rows.length) return 0;
  const iso = (ms: number) => new Date(ms).toISOString();
  return (await getPrisma()).$executeRawUnsafe(
    `INSERT INTO usage_hours AS u (account_id, hour, route_id, allowed, denied, last_at, last_address)
     SELECT t.account_id, t.hour, t.route_id, t.allowed, t.denied, t.last_at, t.last_address
       FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::int[], $5::int[], $6::timestamptz[], $7::text[])
            AS t(account_id, hour, route_id, allowed, denied, last_at, last_address)
      WHERE EXISTS (SELECT 1 FROM service_accounts sa WHERE sa.id = t.account_id)
     ON CONFLICT (account_id, hour, route_id) DO UPDATE SET
       allowed = u.allowed + EXCLUDED.allowed,
       denied = u.denied + EXCLUDED.denied,
       last_address = CASE WHEN EXCLUDED.last_at >= u.last_at THEN EXCLUDED.last_address ELSE u.last_address END,
       last_at = GREATEST(u.last_at, EXCLUDED.last_at)`,
    rows.map((r) => r.accountId),
    rows.map((r) => iso(r.hour)),
    rows.map((r) => r.routeId),
    rows.map((r) => r.allowed),
    rows.map((r) => r.denied),
    rows.map((r) => iso(r.lastAt)),
    rows.map((r) => r.lastAddress),
  );
}

/** Drops counts older than the retention window (lib/jobs/usage-prune.ts). */
export async function pruneUsage(now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - USAGE_RETENTION_DAYS * DAY_MS);
  return (await getPrisma()).usageHour.deleteMany({ where: { hour: { lt: cutoff } } }).then((r) => {
    if (r.count) log.debug({ count: r.count }, 'pruned old usage counts');
    return r.count;
  });
}
