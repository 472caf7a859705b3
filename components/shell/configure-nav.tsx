'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

// Sections that exist link to the selected namespace's page; the rest are shown greyed
// out, never as fake pages.
// Install-wide pages, not per namespace.
const GLOBAL_PAGES = new Set(['directory', 'keys', 'history', 'users', 'verifiers']);

const ITEMS: { label: string; segment: string; ready: boolean; globalAdmin?: boolean }[] = [
  { label: 'Service Accounts', segment: 'service-accounts', ready: true },
  { label: 'Routes', segment: 'routes', ready: true },
  { label: 'Policies', segment: 'policies', ready: true },
  { label: 'Trusted Issuers', segment: 'trusted-issuers', ready: true },
  { label: 'Directory', segment: 'directory', ready: true },
  { label: 'Change History', segment: 'history', ready: true },
  { label: 'Signing Keys', segment: 'keys', ready: true },
  { label: 'Users', segment: 'users', ready: true, globalAdmin: true },
  { label: 'Verifiers', segment: 'verifiers', ready: true, globalAdmin: true },
];

export function ConfigureNav({ namespaceId, isGlobalAdmin = false }: { namespaceId: string; isGlobalAdmin?: boolean }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Configure" className="mt-4">
      <h2 className="px-2 pb-1 text-[11px] font-semibold tracking-wider text-slate-500 uppercase">Configure</h2>
      <ul className="space-y-0.5">
        {ITEMS.filter((item) => !item.globalAdmin || isGlobalAdmin).map((item) => {
          const href = GLOBAL_PAGES.has(item.segment) ? `/${item.segment}` : `/ns/${namespaceId}/${item.segment}`;
          const active = pathname === href || pathname.startsWith(`${href}/`);
          return (
            <li key={item.segment}>
              {item.ready ? (
                <Link
                  href={href}
                  aria-current={active ? 'page' : undefined}
                  className={`block rounded px-2 py-1 ${active ? 'bg-indigo-50 font-medium text-indigo-700' : 'text-slate-700 hover:bg-slate-100'}`}
                >
                  {item.label}
                </Link>
              ) : (
                <span
                  aria-disabled="true"
                  title="Not available yet"
                  className="block cursor-not-allowed px-2 py-1 text-slate-400"
                >
                  {item.label}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/**
 * The signed-in user's own automation: their API keys, and the REST API's reference. The
 * reference is a full page load (a plain link), so it always arrives with its own
 * Content-Security-Policy.
 */
export function AutomationNav() {
  const pathname = usePathname();
  const look = (active: boolean) =>
    `block rounded px-2 py-1 ${active ? 'bg-indigo-50 font-medium text-indigo-700' : 'text-slate-700 hover:bg-slate-100'}`;
  return (
    <nav aria-label="Automation" className="mt-4">
      <h2 className="px-2 pb-1 text-[11px] font-semibold tracking-wider text-slate-500 uppercase">Automation</h2>
      <ul className="space-y-0.5">
        <li>
          <Link
            href="/account/api-keys"
            aria-current={pathname === '/account/api-keys' ? 'page' : undefined}
            className={look(pathname === '/account/api-keys')}
          >
            API Keys
          </Link>
        </li>
        <li>
          <a
            href="/api-docs"
            aria-current={pathname === '/api-docs' ? 'page' : undefined}
            className={look(pathname === '/api-docs')}
          >
            API Reference
          </a>
        </li>
      </ul>
    </nav>
  );
}
