'use client';
import { useState, type FormEvent, type ReactNode } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { Options } from '@/components/ui/options';

export interface HistoryFilterValues {
  namespace?: string;
  actor?: string;
  type?: string;
  from?: string;
  to?: string;
}

const control = 'rounded-md border border-slate-300 bg-white px-2.5 py-1.5';
// <input type="date"> only takes YYYY-MM-DD; a full ISO time in the URL (from a script) shows as its UTC day.
const asDay = (v?: string) => (v && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : '');

/** A labelled control of the filter bar. */
function Filter({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is `children`, inside the label.
    <label className="flex flex-col gap-1">
      <span className="text-xs font-medium text-slate-600">{label}</span>
      {children}
    </label>
  );
}

/**
 * The filter form. A plain GET form, so it works before (or without) JavaScript; with
 * it, empty fields are left out of the URL, a date range that runs backwards is caught
 * here, and picking a namespace or type applies at once.
 */
export function HistoryFilters({
  namespaces,
  entityTypes,
  values,
}: {
  namespaces: { id: string; label: string }[];
  entityTypes: { value: string; label: string }[];
  values: HistoryFilterValues;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const sp = new URLSearchParams();
    for (const [k, v] of new FormData(e.currentTarget)) if (typeof v === 'string' && v.trim()) sp.set(k, v.trim());
    const from = sp.get('from');
    const to = sp.get('to');
    if (from && to && from > to) {
      setError('The “to” date must not be before the “from” date.');
      return;
    }
    setError(null);
    router.push(sp.size ? `/history?${sp.toString()}` : '/history');
  }

  const applyNow = (e: { currentTarget: HTMLSelectElement }) => e.currentTarget.form?.requestSubmit();

  return (
    // Remounts when the applied filters change (e.g. "Clear"), so the fields show them.
    <form
      key={JSON.stringify(values)}
      method="get"
      action="/history"
      role="search"
      aria-label="Filter change history"
      onSubmit={onSubmit}
      className="mb-3 flex flex-wrap items-end gap-3 text-sm"
    >
      <Filter label="Namespace">
        <select
          name="namespace"
          defaultValue={values.namespace ?? ''}
          onChange={applyNow}
          className={`${control} max-w-xs`}
        >
          <option value="">All I can see</option>
          <Options items={namespaces} />
        </select>
      </Filter>
      <Filter label="Who">
        <input
          name="actor"
          type="search"
          defaultValue={values.actor ?? ''}
          placeholder="Email contains…"
          maxLength={200}
          className={`${control} w-56`}
        />
      </Filter>
      <Filter label="Type">
        <select name="type" defaultValue={values.type ?? ''} onChange={applyNow} className={control}>
          <option value="">All types</option>
          <Options items={entityTypes} />
        </select>
      </Filter>
      <Filter label="From (UTC)">
        <input name="from" type="date" defaultValue={asDay(values.from)} className={control} />
      </Filter>
      <Filter label="To (UTC, inclusive)">
        <input
          name="to"
          type="date"
          defaultValue={asDay(values.to)}
          className={control}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'history-filter-error' : undefined}
        />
      </Filter>
      <Button type="submit">Apply</Button>
      <Link href="/history" className="px-1 py-1.5 text-slate-600 hover:underline">
        Clear
      </Link>
      {error ? (
        <p id="history-filter-error" role="alert" className="basis-full text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </form>
  );
}
