import { getPrisma } from '@/lib/db';
import type { Actor } from '@/lib/dal/actor';
import type { Role } from '@/lib/dal/authz';
import { hashPassword } from '@/lib/auth/password';

const email = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2)}@example.com`;

/** A real console user with a role on a namespace (and so on its descendants). */
export async function makeUserWithRole(
  namespaceId: string,
  role: Role,
  opts: { groups?: string[]; email?: string } = {},
): Promise<Actor> {
  const prisma = await getPrisma();
  const user = await prisma.user.create({
    data: { email: opts.email ?? email(role), passwordHash: await hashPassword('irrelevant-password') },
  });
  await prisma.grant.create({ data: { namespaceId, role, userId: user.id } });
  return { userId: user.id, email: user.email, groups: opts.groups ?? [] };
}

/** An Admin of Global: may do everything. */
export const makeAdmin = (address?: string) => makeUserWithRole('global', 'admin', { email: address });

/** A console user without any role (what a first SSO sign-in creates). */
export async function makeUserWithoutRole(groups: string[] = []): Promise<Actor> {
  const prisma = await getPrisma();
  const user = await prisma.user.create({ data: { email: email('nobody') } });
  return { userId: user.id, email: user.email, groups };
}
