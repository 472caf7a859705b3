import type { ReactNode } from 'react';
import type { NamespaceNode } from '@/lib/dal/namespaces';
import { Breadcrumbs } from '@/components/shell/breadcrumbs';

/**
 * A console page's title, its buttons on the right, and what the page is for under them.
 * A page inside a namespace passes the namespace's `path`: the breadcrumb trail above ends in the title.
 */
export function PageHeader({
  title,
  path,
  actions,
  children,
  className = 'mb-4',
}: {
  title: string;
  path?: NamespaceNode[];
  actions?: ReactNode;
  /** The description. */
  children?: ReactNode;
  /** The space below (the default suits a page that does not space its parts itself). */
  className?: string;
}) {
  return (
    <>
      {path ? <Breadcrumbs path={path} current={title} /> : null}
      <div className={className}>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h1 className="text-xl font-semibold">{title}</h1>
          {actions ? <div className="flex gap-2">{actions}</div> : null}
        </div>
        {children ? <p className="mt-1 text-slate-600">{children}</p> : null}
      </div>
    </>
  );
}
