import 'server-only';
import type { Actor } from '@/lib/dal/actor';
import { forbidden, unauthorized } from '@/lib/dal/errors';

export type Role = 'viewer' | 'manager' | 'admin';

/**
 * The one permission check. Every DAL function calls it before reading or writing.
 * Until namespace roles exist, console users are administrators or have no access.
 */
export function authorize(actor: Actor | null | undefined, _namespaceId: string, role: Role): Actor {
  if (!actor) throw unauthorized();
  if (!actor.isAdmin) throw forbidden(role === 'viewer' ? 'view this namespace' : 'change this namespace');
  return actor;
}
