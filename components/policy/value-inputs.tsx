'use client';
// The value controls of a criterion row, one fit for each kind of value.
import { createContext, useContext, useId, useSyncExternalStore, type ReactNode } from 'react';
import type { CriterionName } from '@/lib/policy';
import { Options } from '@/components/ui/options';
import { LIST_VALUED, linesOf } from './policy-model';

export const PickerContext = createContext<{
  users: readonly { id: string; label: string }[];
  groups: readonly string[];
}>({
  users: [],
  groups: [],
});

export const inputClass = (invalid?: boolean) =>
  `block w-full rounded-md border px-2 py-1 text-sm shadow-sm focus:border-indigo-500 disabled:bg-slate-50 disabled:text-slate-500 ${
    invalid ? 'border-red-500' : 'border-slate-300'
  }`;

export function Labeled({
  id,
  label,
  className = '',
  children,
}: {
  id: string;
  label: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={`min-w-0 space-y-0.5 ${className}`}>
      <label htmlFor={id} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      {children}
    </div>
  );
}

const subscribeNever = () => () => {};
/** False while rendering on the server and hydrating, so locale-dependent values cannot mismatch. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );
}

// ---- dates and clocks -----------------------------------------------------------

const pad = (n: number) => String(n).padStart(2, '0');

/** An RFC 3339 instant as a datetime-local value in the viewer's time zone. */
export function toLocalInput(instant: string): string {
  const d = new Date(instant);
  if (instant === '' || Number.isNaN(d.getTime())) return '';
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.getSeconds() ? `${base}:${pad(d.getSeconds())}` : base;
}

/** A datetime-local value (the viewer's wall clock) as an RFC 3339 instant in UTC. */
export function fromLocalInput(local: string): string {
  const d = new Date(local);
  return local === '' || Number.isNaN(d.getTime()) ? '' : d.toISOString().replace('.000Z', 'Z');
}

/** PPL clock values (17:00, 2:20:00, 4:30PM) as an <input type="time"> value; '' if unreadable. */
export function toClockInput(s: string): string {
  const m24 = /^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/.exec(s);
  if (m24) return `${pad(Number(m24[1]))}:${m24[2]}${m24[3] && m24[3] !== '00' ? `:${m24[3]}` : ''}`;
  const m12 = /^(\d{1,2})(?::(\d{2}))?\s?([AaPp])[Mm]$/.exec(s);
  if (!m12) return '';
  const h = (Number(m12[1]) % 12) + (m12[3]?.toLowerCase() === 'p' ? 12 : 0);
  return `${pad(h)}:${m12[2] ?? '00'}`;
}

let zones: readonly string[] | null = null;
function allTimeZones(): readonly string[] {
  if (!zones) {
    let list: string[] = [];
    try {
      list = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
    } catch {
      list = [];
    }
    zones = list.includes('UTC') ? list : ['UTC', ...list];
  }
  return zones;
}

export function TimeZoneSelect({
  id,
  value,
  onChange,
  invalid,
  describedBy,
  emptyLabel,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  invalid?: boolean;
  describedBy?: string;
  /** Offer '' as a real choice with this label (e.g. the default zone) instead of a "Choose…" prompt. */
  emptyLabel?: string;
}) {
  const hydrated = useHydrated();
  // The list differs between server and browser, so it is only built in the browser.
  const list = hydrated ? allTimeZones() : [];
  const options = value && !list.includes(value) ? [value, ...list] : list;
  return (
    <select
      id={id}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      className={inputClass(invalid)}
    >
      {emptyLabel !== undefined ? (
        <option value="">{emptyLabel}</option>
      ) : value === '' ? (
        <option value="">Choose…</option>
      ) : null}
      <Options items={options} />
    </select>
  );
}

// ---- methods --------------------------------------------------------------------

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

function MethodChecks({
  value,
  onChange,
  describedBy,
}: {
  value: string;
  onChange: (v: string) => void;
  describedBy?: string;
}) {
  const chosen = linesOf(value);
  // Methods outside the usual seven (WebDAV's PROPFIND…) come from the YAML; keep them visible.
  const all = [...METHODS, ...chosen.filter((m) => !(METHODS as readonly string[]).includes(m))];
  const toggle = (m: string, on: boolean) =>
    onChange(all.filter((x) => (x === m ? on : chosen.includes(x))).join('\n'));
  return (
    <fieldset aria-describedby={describedBy} className="min-w-0">
      <legend className="text-xs font-medium text-slate-600">Methods</legend>
      <div className="flex flex-wrap gap-x-3 gap-y-1 pt-1">
        {all.map((m) => (
          <label key={m} className="flex items-center gap-1 font-mono text-xs">
            <input type="checkbox" checked={chosen.includes(m)} onChange={(e) => toggle(m, e.target.checked)} />
            {m}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

// ---- one matcher's value --------------------------------------------------------

/** The value of one matcher: list matchers take one value per line. */
export function MatchValue({
  name,
  kind,
  matcher,
  value,
  onChange,
  invalid,
  describedBy,
}: {
  name: CriterionName;
  kind: string;
  matcher: string;
  value: string;
  onChange: (v: string) => void;
  invalid?: boolean;
  describedBy?: string;
}) {
  const id = useId();
  const { users, groups } = useContext(PickerContext);
  const hydrated = useHydrated();
  const common = {
    id,
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy,
    className: inputClass(invalid),
  };
  const listValued = LIST_VALUED.has(matcher);

  if (kind === 'method' && listValued)
    return <MethodChecks value={value} onChange={onChange} describedBy={describedBy} />;
  if (kind === 'method' && (matcher === 'is' || matcher === 'not')) {
    const known = (METHODS as readonly string[]).includes(value) || value === '';
    return (
      <Labeled id={id} label="Value">
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">Choose…</option>
          {!known ? <option value={value}>{value}</option> : null}
          <Options items={METHODS} />
        </select>
      </Labeled>
    );
  }
  if (listValued) {
    return (
      <Labeled id={id} label="Value" className="flex-1">
        <textarea
          {...common}
          rows={Math.min(6, Math.max(2, linesOf(value).length + 1))}
          value={value}
          placeholder="One value per line"
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
        />
      </Labeled>
    );
  }
  if (kind === 'date') {
    const local = hydrated ? toLocalInput(value) : '';
    return (
      <Labeled id={id} label="Value">
        <input
          {...common}
          type="datetime-local"
          step={local.length > 16 ? 1 : undefined}
          value={local}
          onChange={(e) => onChange(fromLocalInput(e.target.value))}
        />
      </Labeled>
    );
  }
  // Users and groups: suggestions from the directory, but any text is allowed (a
  // policy may name an account that does not exist yet, or one outside this scope).
  const options =
    name === 'user'
      ? users.map((u) => ({ value: u.id, label: u.label }))
      : name === 'groups'
        ? groups.map((g) => ({ value: g, label: g }))
        : [];
  return (
    <Labeled id={id} label="Value" className="flex-1">
      <input
        {...common}
        type="text"
        autoComplete="off"
        spellCheck={false}
        list={options.length ? `${id}-list` : undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      {options.length ? (
        <datalist id={`${id}-list`}>
          {options.map((o) => (
            <option key={o.value} value={o.value} label={o.label === o.value ? undefined : o.label} />
          ))}
        </datalist>
      ) : null}
    </Labeled>
  );
}
