import { requirePageActor } from '@/lib/session';
import { listNamespaces } from '@/lib/dal/namespaces';
import { Shell } from '@/components/shell/shell';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const actor = await requirePageActor();
  const namespaces = await listNamespaces(actor);
  return <Shell namespaces={namespaces} userEmail={actor.email}>{children}</Shell>;
}
