// How results reach stdout: tables for people, JSON for programs, JSON lines and CSV for the
// history export. Nothing else is ever written to stdout.
import { printable } from './errors';

export interface Column<T> {
  header: string;
  value: (item: T) => unknown;
}

/** One table cell: empty values as "-", dates and lists readable, never a control character. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.length ? value.map(cell).join(',') : '-';
  if (typeof value === 'object') return printable(JSON.stringify(value));
  return printable(String(value));
}

/** Left-aligned columns two spaces apart, a header row in capitals; "No results." on stderr's behalf is the caller's. */
export function formatTable<T>(items: readonly T[], columns: readonly Column<T>[]): string {
  const rows = [
    columns.map((c) => c.header.toUpperCase()),
    ...items.map((item) => columns.map((c) => cell(c.value(item)))),
  ];
  const widths = columns.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  return rows
    .map((r) =>
      r
        .map((text, i) => (i === r.length - 1 ? text : text + ' '.repeat(widths[i]! - [...text].length)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

export const formatJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** One JSON value per line (JSON Lines). */
export const formatJsonLines = (items: readonly unknown[]) => items.map((i) => `${JSON.stringify(i)}\n`).join('');

/**
 * One CSV cell, as the console's history export writes them: RFC 4180 quoting, objects as
 * JSON, and a leading ' on anything a spreadsheet would run as a formula (= + - @, tab, CR).
 */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (cells: readonly unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

export function formatCsv<T>(items: readonly T[], columns: readonly Column<T>[], { header = true } = {}): string {
  return (
    (header ? csvLine(columns.map((c) => c.header)) : '') +
    items.map((i) => csvLine(columns.map((c) => c.value(i)))).join('')
  );
}
