'use client';
import Link from 'next/link';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { NamespaceNode } from '@/lib/dal/namespaces';

interface TreeIndex {
  byId: Map<string, NamespaceNode>;
  children: Map<string | null, NamespaceNode[]>;
}

function indexTree(nodes: NamespaceNode[]): TreeIndex {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const children = new Map<string | null, NamespaceNode[]>();
  for (const n of nodes) {
    const list = children.get(n.parentId) ?? [];
    list.push(n);
    children.set(n.parentId, list);
  }
  return { byId, children };
}

function ancestorsOf(index: TreeIndex, id: string): string[] {
  const out: string[] = [];
  for (let n = index.byId.get(id); n?.parentId; n = index.byId.get(n.parentId)) out.push(n.parentId);
  return out;
}

/**
 * The namespace tree: links in nested lists, collapsible, with the selected path
 * (and its children) expanded. Only expanded branches are rendered, so thousands of namespaces stay fast.
 * Keys: ↑/↓ move between visible items, → expands or enters, ← collapses or goes up.
 */
export function NamespaceTree({
  namespaces,
  selectedId,
  onNavigate,
}: {
  namespaces: NamespaceNode[];
  selectedId: string;
  onNavigate?: () => void;
}) {
  const index = useMemo(() => indexTree(namespaces), [namespaces]);
  const [expanded, setExpanded] = useState<Set<string>>(
    () => new Set(['global', selectedId, ...ancestorsOf(index, selectedId)]),
  );
  const navRef = useRef<HTMLElement>(null);

  // Whenever the selection changes (a link, a reload, a new child), open its path and its children.
  useEffect(() => {
    setExpanded((prev) => {
      const need = [selectedId, ...ancestorsOf(index, selectedId)].filter((id) => !prev.has(id));
      return need.length ? new Set([...prev, ...need]) : prev;
    });
  }, [index, selectedId]);

  const toggle = (id: string, open?: boolean) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (open ?? !next.has(id)) next.add(id);
      else next.delete(id);
      return next;
    });

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const target = e.target as HTMLElement;
    const id = target.dataset.nsId;
    if (!id || !navRef.current) return;
    const links = Array.from(navRef.current.querySelectorAll<HTMLAnchorElement>('a[data-ns-id]'));
    const at = links.indexOf(target as HTMLAnchorElement);
    const focus = (i: number) => links[Math.max(0, Math.min(links.length - 1, i))]?.focus();
    const hasKids = (index.children.get(id)?.length ?? 0) > 0;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      focus(at + 1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      focus(at - 1);
    } else if (e.key === 'Home') {
      e.preventDefault();
      focus(0);
    } else if (e.key === 'End') {
      e.preventDefault();
      focus(links.length - 1);
    } else if (e.key === 'ArrowRight' && hasKids) {
      e.preventDefault();
      if (!expanded.has(id)) toggle(id, true);
      else focus(at + 1);
    } else if (e.key === 'ArrowLeft') {
      e.preventDefault();
      if (hasKids && expanded.has(id)) toggle(id, false);
      else {
        const parent = index.byId.get(id)?.parentId;
        if (parent) links.find((l) => l.dataset.nsId === parent)?.focus();
      }
    }
  };

  const renderLevel = (parentId: string | null, depth: number) => {
    const kids = index.children.get(parentId);
    if (!kids?.length) return null;
    return (
      <ul role={depth === 0 ? undefined : 'group'} className="space-y-0.5">
        {kids.map((n) => {
          const hasKids = (index.children.get(n.id)?.length ?? 0) > 0;
          const open = expanded.has(n.id);
          const selected = n.id === selectedId;
          return (
            <li key={n.id}>
              <div
                className={`flex items-center rounded ${selected ? 'bg-indigo-50' : 'hover:bg-slate-100'}`}
                style={{ paddingLeft: depth * 12 }}
              >
                {hasKids ? (
                  <button
                    type="button"
                    tabIndex={-1}
                    onClick={() => toggle(n.id)}
                    aria-label={`${open ? 'Collapse' : 'Expand'} ${n.name}`}
                    aria-expanded={open}
                    className="flex h-6 w-5 shrink-0 items-center justify-center text-slate-500"
                  >
                    <span
                      aria-hidden
                      className={`inline-block text-[10px] transition-transform ${open ? 'rotate-90' : ''}`}
                    >
                      ▶
                    </span>
                  </button>
                ) : (
                  <span className="w-5 shrink-0" />
                )}
                <Link
                  href={`/ns/${n.id}`}
                  data-ns-id={n.id}
                  aria-current={selected ? 'page' : undefined}
                  aria-expanded={hasKids ? open : undefined}
                  onClick={onNavigate}
                  className={`block min-w-0 flex-1 truncate rounded px-1 py-1 ${selected ? 'font-medium text-indigo-700' : 'text-slate-700'}`}
                >
                  {n.name}
                </Link>
              </div>
              {hasKids && open ? renderLevel(n.id, depth + 1) : null}
            </li>
          );
        })}
      </ul>
    );
  };

  return (
    <nav aria-label="Namespaces" ref={navRef} onKeyDown={onKeyDown}>
      {renderLevel(null, 0)}
    </nav>
  );
}
