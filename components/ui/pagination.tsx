import Link from 'next/link';
import type { ReactNode } from 'react';

/** Under a paged table: what is shown, and the links to the other pages that exist. */
export function Pagination({
  summary,
  links,
}: {
  summary: ReactNode;
  /** In order; a page that does not exist (no older entries, the first page) is null. */
  links: readonly ({ label: string; href: string } | null)[];
}) {
  return (
    <nav aria-label="Pagination" className="mt-3 flex items-center justify-between text-sm text-slate-600">
      <span>{summary}</span>
      <span className="flex gap-3">
        {links.map((l) =>
          l ? (
            <Link key={l.label} className="hover:underline" href={l.href}>
              {l.label}
            </Link>
          ) : null,
        )}
      </span>
    </nav>
  );
}
