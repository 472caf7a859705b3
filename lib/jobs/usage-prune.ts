import 'server-only';
import { scheduleJob, type JobHandle } from '@/lib/jobs/schedule';
import { pruneUsage } from '@/lib/dal/usage-store';

// Usage counts are kept 30 days (lib/dal/usage-store.ts): an hourly pass deletes older hours.
// Every instance may run it; deleting the same old rows twice is harmless.

export function startUsagePruning({ intervalMs = 60 * 60_000 }: { intervalMs?: number } = {}): JobHandle {
  return scheduleJob('usage-prune', {
    firstRunDelayMs: 30_000,
    intervalMs,
    run: pruneUsage,
    failure: 'could not prune old usage counts',
  });
}
