import 'server-only';
import { log } from '@/lib/log';
import { pruneUsage } from '@/lib/dal/usage-store';

// Usage counts are kept 30 days (lib/dal/usage-store.ts): an hourly pass deletes older hours.
// Every instance may run it; deleting the same old rows twice is harmless.

const slot = globalThis as unknown as { __posternUsagePrune?: { stop(): void } };

export function startUsagePruning({ intervalMs = 60 * 60_000 }: { intervalMs?: number } = {}): { stop(): void } {
  if (slot.__posternUsagePrune) return slot.__posternUsagePrune;
  const run = () =>
    void pruneUsage().catch((err: unknown) =>
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not prune old usage counts'),
    );
  const first = setTimeout(run, 30_000);
  const every = setInterval(run, intervalMs);
  first.unref();
  every.unref();
  const handle = {
    stop: () => {
      clearTimeout(first);
      clearInterval(every);
      if (slot.__posternUsagePrune === handle) slot.__posternUsagePrune = undefined;
    },
  };
  slot.__posternUsagePrune = handle;
  return handle;
}
