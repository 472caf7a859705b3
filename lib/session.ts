import 'server-only';
import { cache } from 'react';
import { redirect } from 'next/navigation';
import { headers } from 'next/headers';
import { requestClientAddress } from '@/lib/net/client-address';
import { getServerSession } from 'next-auth';
import { authOptions } from '@/lib/auth/options';
import { actorForSession } from '@/lib/dal/users';
import type { Actor } from '@/lib/dal/actor';

/**
 * The signed-in user for this request, checked against the database once per request
 * (React cache): a deleted or disabled user, or a session older than the user's session
 * version (password changed, forced sign-out), is refused at its next request.
 */
export const getActor = cache(async (): Promise<Actor | null> => {
  const session = await getServerSession(authOptions());
  const user = session?.user as { id?: string; ver?: number } | undefined;
  const actor = user?.id ? await actorForSession(user.id, user.ver) : null;
  if (!actor) return null;
  const h = await headers();
  return { ...actor, address: requestClientAddress((n) => h.get(n)) };
});

/** For pages: the actor, or a redirect to the sign-in page. */
export async function requirePageActor(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect('/signin');
  return actor;
}
