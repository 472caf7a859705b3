import type { ReactNode, TdHTMLAttributes } from 'react';

export type Column =
  | string
  | {
      key: string;
      label: ReactNode;
      /** Named for screen readers only (a column of buttons). */
      hidden?: boolean;
      /** The column the rows are sorted by, and which way. */
      sort?: 'ascending' | 'descending';
    };

/** The last column of a table whose rows end in buttons. */
export const ACTIONS: Column = { key: 'actions', label: 'Actions', hidden: true };

const keyOf = (c: Column) => (typeof c === 'string' ? c : c.key);

/**
 * A console table: its frame, the header row, one row per item from `row`, and `empty`
 * (in a row of its own) when there are none.
 */
export function DataTable<T>({
  columns,
  rows,
  row,
  empty,
  caption,
  alignTop = false,
  className = '',
}: {
  columns: readonly Column[];
  rows: readonly T[];
  /** A <tr> with a key. */
  row: (item: T) => ReactNode;
  empty?: ReactNode;
  /** For screen readers, when no heading names the table. */
  caption?: string;
  /** Cells start at the top (rows of uneven height). */
  alignTop?: boolean;
  className?: string;
}) {
  return (
    <div className={`overflow-x-auto rounded-lg border border-slate-200 bg-white ${className}`}>
      <table className="w-full text-left">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-600 uppercase">
          <tr>
            {columns.map((c) => (
              <th
                key={keyOf(c)}
                scope="col"
                aria-sort={typeof c === 'string' ? undefined : c.sort}
                className="px-3 py-2 font-medium"
              >
                {typeof c === 'string' ? c : c.hidden ? <span className="sr-only">{c.label}</span> : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={`divide-y divide-slate-100 ${alignTop ? 'align-top' : ''}`}>
          {rows.length === 0 && empty ? (
            <tr>
              <td colSpan={columns.length} className="px-3 py-6 text-center text-slate-500">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map(row)
          )}
        </tbody>
      </table>
    </div>
  );
}

/** A cell of a DataTable row. */
export function Cell({ className = '', ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={`px-3 py-2 ${className}`} {...props} />;
}
