import type { ReactNode } from 'react';

/** A console page's title, its buttons on the right, and what the page is for under them. */
export function PageHeader({
  title,
  actions,
  children,
  className = 'mb-4',
}: {
  title: ReactNode;
  actions?: ReactNode;
  /** The description. */
  children?: ReactNode;
  /** The space below (the default suits a page that does not space its parts itself). */
  className?: string;
}) {
  return (
    <div className={className}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-xl font-semibold">{title}</h1>
        {actions ? <div className="flex gap-2">{actions}</div> : null}
      </div>
      {children ? <p className="mt-1 text-slate-600">{children}</p> : null}
    </div>
  );
}
