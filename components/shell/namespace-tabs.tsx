import Link from 'next/link';

const TABS = [
  { label: 'Overview', segment: '' },
  { label: 'Members', segment: '/members' },
  { label: 'Settings', segment: '/settings' },
] as const;

/** The namespace page's tabs: links, so each is linkable and reloadable. */
export function NamespaceTabs({ id, current }: { id: string; current: (typeof TABS)[number]['segment'] }) {
  return (
    <nav aria-label="Namespace sections" className="mb-4 flex gap-1 border-b border-slate-200">
      {TABS.map((t) => (
        <Link
          key={t.label}
          href={`/ns/${id}${t.segment}`}
          aria-current={current === t.segment ? 'page' : undefined}
          className={`-mb-px border-b-2 px-3 py-1.5 text-sm ${current === t.segment ? 'border-indigo-600 font-medium text-indigo-700' : 'border-transparent text-slate-600 hover:text-slate-900'}`}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
