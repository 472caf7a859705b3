// The Changes cell of the history table: the keys that differ between before and after,
// with both records behind a disclosure for the full picture.

type Json = unknown;

const isRecord = (v: Json): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface KeyChange {
  key: string;
  before: unknown;
  after: unknown;
}

/** Keys whose value differs (added, removed or changed); a create lists every key of `after`. */
export function changedKeys(before: Json, after: Json): KeyChange[] {
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return keys
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => ({ key: k, before: b[k], after: a[k] }));
}

const short = (v: unknown) => {
  if (v === undefined) return '∅';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 48 ? `${s.slice(0, 47)}…` : s;
};

const SHOWN = 3;

export function Changes({ action, before, after }: { action: string; before: Json; after: Json }) {
  if (before === null && after === null) return <span className="text-slate-400">—</span>;
  const changes = changedKeys(before, after);
  return (
    <div className="max-w-md text-xs">
      {changes.length === 0 ? (
        <span className="text-slate-500">{action === 'update' ? 'No field changed' : 'No fields'}</span>
      ) : (
        <ul className="space-y-0.5">
          {changes.slice(0, SHOWN).map((c) => (
            <li key={c.key} className="truncate font-mono">
              <span className="text-slate-500">{c.key}:</span>{' '}
              {action === 'create' ? (
                <span className="text-emerald-800">{short(c.after)}</span>
              ) : action === 'delete' ? (
                <span className="text-red-800 line-through">{short(c.before)}</span>
              ) : (
                <>
                  <span className="text-red-800">{short(c.before)}</span> →{' '}
                  <span className="text-emerald-800">{short(c.after)}</span>
                </>
              )}
            </li>
          ))}
          {changes.length > SHOWN ? <li className="text-slate-500">and {changes.length - SHOWN} more</li> : null}
        </ul>
      )}
      <details className="mt-1">
        <summary className="cursor-pointer text-indigo-700 hover:underline">Details</summary>
        <div className="mt-1 grid gap-2 sm:grid-cols-2">
          {(
            [
              ['Before', before],
              ['After', after],
            ] as const
          ).map(([label, value]) => (
            <div key={label}>
              <div className="font-medium text-slate-600">{label}</div>
              <pre className="max-h-64 overflow-auto rounded bg-slate-50 p-2 whitespace-pre-wrap break-all">
                {value === null || value === undefined ? '—' : JSON.stringify(value, null, 2)}
              </pre>
            </div>
          ))}
        </div>
      </details>
    </div>
  );
}
