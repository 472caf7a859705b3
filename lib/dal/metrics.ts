import 'server-only';
import { getDatabase, getPrisma } from '@/lib/db';

/**
 * Service accounts by state, for the metrics scrape (app/metrics/route.ts), which is
 * authorized by METRICS_TOKEN rather than a console user: counts only, nothing identifying.
 * `expiring`: active and expiring within 7 days; `active` includes them.
 */
export async function accountCountsByState(): Promise<Record<'active' | 'expiring' | 'expired' | 'disabled', number>> {
  const [row] = await (await getPrisma()).$queryRaw<
    { active: number; expiring: number; expired: number; disabled: number }[]
  >`SELECT
      count(*) FILTER (WHERE NOT disabled AND (expires_at IS NULL OR expires_at > now()))::int AS active,
      count(*) FILTER (WHERE NOT disabled AND expires_at > now() AND expires_at <= now() + interval '7 days')::int AS expiring,
      count(*) FILTER (WHERE NOT disabled AND expires_at <= now())::int AS expired,
      count(*) FILTER (WHERE disabled)::int AS disabled
    FROM service_accounts`;
  return row ?? { active: 0, expiring: 0, expired: 0, disabled: 0 };
}

/** Connection pool use; null on the embedded database (one connection, no pool). */
export async function databasePool(): Promise<{ total: number; idle: number; waiting: number; max: number } | null> {
  return (await getDatabase()).poolStats?.() ?? null;
}
