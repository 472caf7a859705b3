// A tiny line of daily counts for a table cell, drawn on the server (no script, no chart
// library for a hundred rows): an image whose label says the numbers.

const W = 72;
const H = 20;

export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? (W - 2) / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(1 + i * step).toFixed(1)},${(H - 1 - (v / max) * (H - 2)).toFixed(1)}`);
  const idle = values.every((v) => v === 0);
  return (
    <svg
      role="img"
      aria-label={label}
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      className="inline-block align-middle"
    >
      <title>{label}</title>
      <polyline
        points={points.join(' ')}
        fill="none"
        stroke={idle ? '#cbd5e1' : '#4f46e5'}
        strokeWidth={1.5}
        strokeLinejoin="round"
        strokeLinecap="round"
      />
    </svg>
  );
}
