'use client';
import { useState } from 'react';
import { useParams } from 'next/navigation';
import Link from 'next/link';
import { signOut } from 'next-auth/react';
import type { NamespaceNode } from '@/lib/dal/namespaces';
import { NamespaceTree } from '@/components/shell/namespace-tree';
import { AutomationNav, ConfigureNav } from '@/components/shell/configure-nav';
import { Logo } from '@/components/shell/logo';

export function Shell({
  namespaces,
  userEmail,
  isGlobalAdmin = false,
  children,
}: {
  namespaces: NamespaceNode[];
  userEmail: string;
  isGlobalAdmin?: boolean;
  children: React.ReactNode;
}) {
  const params = useParams<{ id?: string }>();
  const selected = params.id ?? 'global';
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-3 py-2 md:hidden">
        <Logo size={22} className="flex items-center gap-2 font-semibold" />
        <button
          type="button"
          className="rounded border border-slate-300 px-2 py-1 text-sm"
          aria-expanded={menuOpen}
          aria-controls="sidebar"
          onClick={() => setMenuOpen((o) => !o)}
        >
          Menu
        </button>
      </header>
      <aside
        id="sidebar"
        className={`${menuOpen ? 'flex' : 'hidden'} w-full shrink-0 flex-col border-r border-slate-200 bg-white md:sticky md:top-0 md:flex md:h-screen md:w-72`}
      >
        <Logo
          size={24}
          className="hidden items-center gap-2 px-4 py-3 text-base font-semibold tracking-tight md:flex"
        />
        <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-2">
          <h2 className="px-2 pt-2 pb-1 text-[11px] font-semibold tracking-wider text-slate-500 uppercase">
            Namespaces
          </h2>
          <NamespaceTree namespaces={namespaces} selectedId={selected} onNavigate={() => setMenuOpen(false)} />
          <ConfigureNav namespaceId={selected} isGlobalAdmin={isGlobalAdmin} />
          <AutomationNav />
        </div>
        <div className="flex items-center justify-between gap-2 border-t border-slate-200 px-4 py-3">
          <Link
            href="/account"
            className="truncate text-xs text-slate-600 hover:underline"
            title={`${userEmail}: your account and password`}
          >
            {userEmail}
          </Link>
          <button
            type="button"
            onClick={() => signOut({ callbackUrl: '/signin' })}
            className="rounded px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100"
          >
            Sign out
          </button>
        </div>
      </aside>
      <main className="min-w-0 flex-1 p-4 md:p-6">{children}</main>
    </div>
  );
}
