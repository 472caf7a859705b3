import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import { hashPassword } from '@/lib/auth/password';

/** A real admin row and the actor a session for it would yield. */
export async function makeAdmin(email = `admin-${Math.random().toString(36).slice(2)}@example.com`): Promise<Actor> {
  const prisma = await getPrisma();
  const user = await prisma.user.create({ data: { email, passwordHash: await hashPassword('irrelevant-password'), isAdmin: true } });
  return { userId: user.id, email: user.email, isAdmin: true };
}

/** A console user without any role (what an SSO sign-in creates before a grant). */
export async function makeUserWithoutRole(): Promise<Actor> {
  const prisma = await getPrisma();
  const user = await prisma.user.create({ data: { email: `nobody-${Math.random().toString(36).slice(2)}@example.com` } });
  return { userId: user.id, email: user.email, isAdmin: false };
}
