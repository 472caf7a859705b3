import { requirePageActor } from '@/lib/session';
import { listNamespaces } from '@/lib/dal/namespaces';
import { Shell } from '@/components/shell/shell';
import { GLOBAL_NAMESPACE_ID } from '@/lib/schemas/namespace';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const actor = await requirePageActor();
  const namespaces = await listNamespaces(actor);
  if (!namespaces.some((n) => n.role)) {
    // Signed in (e.g. a first SSO sign-in) but no grant yet: nothing to show but that.
    return (
      <Shell namespaces={[]} userEmail={actor.email}>
        <div className="max-w-xl">
          <h1 className="mb-2 text-xl font-semibold">No access yet</h1>
          <p className="text-slate-600">
            You have signed in, but no namespace has been shared with you yet. Ask an administrator for a role.
          </p>
          <p className="mt-2">
            <a href="/account" className="text-indigo-700 hover:underline">
              Change your password
            </a>
          </p>
        </div>
      </Shell>
    );
  }
  const isGlobalAdmin = namespaces.some((n) => n.id === GLOBAL_NAMESPACE_ID && n.role === 'admin');
  return (
    <Shell namespaces={namespaces} userEmail={actor.email} isGlobalAdmin={isGlobalAdmin}>
      {children}
    </Shell>
  );
}
