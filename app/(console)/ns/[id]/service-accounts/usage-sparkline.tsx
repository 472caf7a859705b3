import type { Sparkline as SparklineData } from '@/lib/dal/usage';
import { Sparkline } from '@/components/ui/sparkline';

/** The accounts list's "Last 7 days" cell: requests per day, oldest first, and the total in words. */
export function UsageSparkline({ usage }: { usage: SparklineData | undefined }) {
  const days = usage?.days ?? [0, 0, 0, 0, 0, 0, 0];
  const total = days.reduce((n, d) => n + d, 0);
  const label =
    total === 0
      ? 'No requests in the last 7 days'
      : `${total.toLocaleString('en')} request${total === 1 ? '' : 's'} in the last 7 days (${(usage?.denied ?? 0).toLocaleString('en')} refused); per day, oldest first: ${days.join(', ')}`;
  return (
    <span className="inline-flex items-center gap-1.5" data-usage-total={total}>
      <Sparkline values={days} label={label} />
      <span className="text-xs text-slate-500 tabular-nums" aria-hidden="true">
        {total.toLocaleString('en')}
      </span>
    </span>
  );
}
