import Link from 'next/link';
import type { NamespaceNode } from '@/lib/dal/namespaces';

export function Breadcrumbs({ path, current }: { path: NamespaceNode[]; current?: string }) {
  return (
    <nav aria-label="Breadcrumb" className="mb-2 text-xs text-slate-500">
      <ol className="flex flex-wrap items-center gap-1">
        {path.map((n, i) => {
          const last = i === path.length - 1 && !current;
          return (
            <li key={n.id} className="flex items-center gap-1">
              {i > 0 ? <span aria-hidden>/</span> : null}
              {last ? (
                <span aria-current="page" className="text-slate-700">
                  {n.name}
                </span>
              ) : (
                <Link href={`/ns/${n.id}`} className="hover:underline">
                  {n.name}
                </Link>
              )}
            </li>
          );
        })}
        {current ? (
          <li className="flex items-center gap-1">
            <span aria-hidden>/</span>
            <span aria-current="page" className="text-slate-700">
              {current}
            </span>
          </li>
        ) : null}
      </ol>
    </nav>
  );
}
