'use client';
import { useId, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** One bar: its label (an hour or a day, formatted by the page) and the decisions in it. */
export interface ChartPoint {
  label: string;
  allowed: number;
  denied: number;
}

const ALLOWED = '#059669'; // emerald-600
const DENIED = '#dc2626'; // red-600

/**
 * Allowed and refused requests as stacked bars (Recharts), with the same numbers as a
 * table: visually hidden beside the chart (screen readers read it), shown instead of the
 * chart with "Show as table". The chart itself is one image with a summary as its label.
 */
export function UsageChart({
  title,
  points,
  labelHeader,
  height = 200,
}: {
  title: string;
  points: ChartPoint[];
  /** The table's first column: "Hour (UTC)", "Day (UTC)". */
  labelHeader: string;
  height?: number;
}) {
  const [asTable, setAsTable] = useState(false);
  const id = useId();
  const allowed = points.reduce((n, p) => n + p.allowed, 0);
  const denied = points.reduce((n, p) => n + p.denied, 0);
  const summary = `${title}: ${allowed.toLocaleString('en')} allowed and ${denied.toLocaleString('en')} refused requests.`;
  return (
    <figure aria-labelledby={`${id}-title`} className="rounded-lg border border-slate-200 bg-white p-3">
      <div className="mb-2 flex items-center justify-between gap-2">
        <figcaption id={`${id}-title`} className="text-sm font-medium">
          {title}
        </figcaption>
        <button
          type="button"
          aria-pressed={asTable}
          onClick={() => setAsTable((v) => !v)}
          className="rounded px-2 py-0.5 text-xs text-indigo-700 hover:bg-indigo-50"
        >
          {asTable ? 'Show as chart' : 'Show as table'}
        </button>
      </div>
      {asTable ? null : (
        <div role="img" aria-label={summary} data-chart={title} style={{ height }}>
          <ResponsiveContainer width="100%" height={height}>
            <BarChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -16 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
              <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={16} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={48} />
              <Tooltip />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Bar dataKey="allowed" name="Allowed" stackId="d" fill={ALLOWED} isAnimationActive={false} />
              <Bar dataKey="denied" name="Refused" stackId="d" fill={DENIED} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      <div className={asTable ? 'max-h-80 overflow-y-auto' : 'sr-only'}>
        <table className="w-full text-left text-sm">
          <caption className="sr-only">{title}</caption>
          <thead className="border-b border-slate-200 text-xs text-slate-600 uppercase">
            <tr>
              <th scope="col" className="px-2 py-1 font-medium">
                {labelHeader}
              </th>
              <th scope="col" className="px-2 py-1 text-right font-medium">
                Allowed
              </th>
              <th scope="col" className="px-2 py-1 text-right font-medium">
                Refused
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {points.map((p) => (
              <tr key={p.label}>
                <th scope="row" className="px-2 py-1 font-normal">
                  {p.label}
                </th>
                <td className="px-2 py-1 text-right tabular-nums">{p.allowed}</td>
                <td className="px-2 py-1 text-right tabular-nums">{p.denied}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
